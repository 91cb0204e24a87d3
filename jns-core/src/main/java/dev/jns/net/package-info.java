/**
 * Networking between namespaces from Java, without the {@code ip} binary: links (veth pairs, loopback),
 * addresses and routes of a network namespace, through rtnetlink.
 *
 * <pre>{@code
 * try (Net a = Net.of(nsA); Net b = Net.of(nsB)) {
 *     Veth veth = a.veth("jns0", b, "jns1");          // one end in each namespace
 *     veth.end().addAddress("10.200.1.1/24").up();
 *     veth.peer().addAddress("10.200.1.2/24").up();
 *     b.addRoute(Route.defaultVia("10.200.1.1"));
 *     ...
 *     veth.delete();                                   // deletes both ends
 * }
 * }</pre>
 *
 * <p>Every kernel refusal is a {@link dev.jns.NamespaceException} with the netlink errno decoded (EEXIST for a
 * taken name, EPERM without CAP_NET_ADMIN over the namespace, ...) and the kernel's own message when it sends
 * one; bad input is an {@link dev.jns.InvalidSpecException} naming the field.
 *
 * <p><b>Privileges.</b> Changing a network namespace needs {@code CAP_NET_ADMIN} in the user namespace that owns
 * it, and {@link Net#of(dev.jns.NsHandle)} enters the namespace to open its netlink socket, which needs
 * {@code CAP_SYS_ADMIN} there too. As root this works between any namespaces. Without root it works between
 * namespaces of one sandbox user namespace that maps the caller to root, through a helper process: see
 * {@link Net} for the conditions.
 */
package dev.jns.net;
