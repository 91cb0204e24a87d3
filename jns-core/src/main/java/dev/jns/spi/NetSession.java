package dev.jns.spi;

import dev.jns.NsHandle;
import dev.jns.net.AddressInfo;
import dev.jns.net.Cidr;
import dev.jns.net.LinkInfo;
import dev.jns.net.Route;

import java.util.List;

/**
 * One open rtnetlink conversation with one network namespace. Arguments are validated by {@link dev.jns.net};
 * failures are {@link dev.jns.NamespaceException}s with the kernel's errno. Thread-safe; closing is idempotent.
 */
public interface NetSession extends AutoCloseable {
    /** The links of the namespace. */
    List<LinkInfo> links();

    /** The IPv4 and IPv6 addresses of the namespace. */
    List<AddressInfo> addresses();

    /** The IPv4 and IPv6 routes of the main table. */
    List<Route> routes();

    /** Creates a veth pair {@code name} here and {@code peer} in {@code peerNetns} (null: here too). */
    /** See {@link dev.jns.net.Net#idOf(NsHandle)}: the id, or empty when none is assigned. */
    java.util.OptionalInt idOf(NsHandle other);

    void addVeth(String name, String peer, NsHandle peerNetns);

    /** Changes a link as {@code change} says (its null fields stay as they are). */
    void changeLink(String name, LinkChange change);

    /** Deletes a link (for a veth, both ends). */
    void deleteLink(String name);

    /** Adds an address to a link. */
    void addAddress(String link, Cidr cidr);

    /** Removes an address from a link. */
    void deleteAddress(String link, Cidr cidr);

    /** Adds a route to the main table. */
    void addRoute(Route route);

    /** Deletes a route from the main table. */
    void deleteRoute(Route route);

    /** Closes the socket (or helper). Idempotent. */
    @Override
    void close();

    /**
     * What to change on a link; null fields stay as they are.
     *
     * @param up      bring it up (true) or down (false)
     * @param mtu     the new MTU
     * @param mac     the new link-layer address
     * @param newName the new name
     * @param netns   the network namespace to move it into
     */
    record LinkChange(Boolean up, Integer mtu, dev.jns.net.MacAddress mac, String newName, NsHandle netns) {
    }
}
