package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Sys;

import java.util.Arrays;

/**
 * A growable list of fd numbers, unboxed: the fds of one spawn (the launcher's, ours to close on failure, the ones
 * sent to the fork server). A {@code List<Integer>} here cost a boxed Integer per fd and, compiled, the inlined
 * code of ArrayList's add, grow and remove at each call site (issue 17: {@code Spawner.launch}'s C2 code went from
 * 80 to 66 kB). Not thread-safe: one spawn's thread owns it.
 */
final class FdList {
    private int[] fds;
    private int size;

    FdList() {
        this(new int[8], 0);
    }

    private FdList(int[] fds, int size) {
        this.fds = fds;
        this.size = size;
    }

    /** A list of these fds, in this order. */
    static FdList of(int... fds) {
        return new FdList(Arrays.copyOf(fds, Math.max(8, fds.length)), fds.length);
    }

    void add(int fd) {
        if (size == fds.length) {
            fds = Arrays.copyOf(fds, size * 2);
        }
        fds[size++] = fd;
    }

    int size() {
        return size;
    }

    /** Removes the first {@code fd}; whether it was there. */
    boolean remove(int fd) {
        for (int i = 0; i < size; i++) {
            if (fds[i] == fd) {
                System.arraycopy(fds, i + 1, fds, i, size - i - 1);
                size--;
                return true;
            }
        }
        return false;
    }

    /** The fds, in order. */
    int[] toArray() {
        return Arrays.copyOf(fds, size);
    }

    /** The fds, in order, without the one at {@code index}. */
    int[] toArrayWithout(int index) {
        int[] out = new int[size - 1];
        System.arraycopy(fds, 0, out, 0, index);
        System.arraycopy(fds, index + 1, out, index, size - index - 1);
        return out;
    }

    /** Closes every fd (errors ignored) and empties the list. */
    void closeAll() {
        for (int i = 0; i < size; i++) {
            Sys.closeQuietly(fds[i]);
        }
        size = 0;
    }

    @Override
    public String toString() {
        return Arrays.toString(Arrays.copyOf(fds, size));
    }
}
