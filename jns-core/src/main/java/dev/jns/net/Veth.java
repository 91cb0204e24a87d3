package dev.jns.net;

/**
 * A veth pair: two interfaces joined like the two ends of a cable, each possibly in another namespace. Made by
 * {@link Net#veth(String, Net, String)}.
 *
 * @param end  the end made in the namespace of the {@link Net} that created the pair
 * @param peer the other end
 */
public record Veth(Link end, Link peer) {
    /** Deletes the pair (deleting one end deletes both). */
    public void delete() {
        end.delete();
    }

    /** Deletes the pair if it still exists (for cleanup code); returns whether it did. */
    public boolean deleteIfExists() {
        if (!end.exists()) {
            return false;
        }
        end.delete();
        return true;
    }
}
