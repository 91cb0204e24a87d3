/**
 * Listing namespaces, as {@code lsns} does: {@link dev.jns.inspect.NamespaceInfo} is one row (type, inode,
 * processes, the lowest pid and its user and command, a bind-mounted path, the parent and owner), from
 * {@link dev.jns.Namespaces#list()}, {@link dev.jns.Namespaces#list(dev.jns.NamespaceType)} and
 * {@link dev.jns.Namespaces#listOf(long)}; {@link dev.jns.inspect.NamespaceTree} nests them by parent (user and
 * pid namespaces) and by owner (the user namespace that owns each), from {@link dev.jns.Namespaces#tree()}.
 *
 * <pre>{@code
 * Namespaces.list(NamespaceType.NET).forEach(System.out::println);   // lsns -t net
 * }</pre>
 */
package dev.jns.inspect;
