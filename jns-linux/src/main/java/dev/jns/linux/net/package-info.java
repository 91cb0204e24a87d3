/**
 * rtnetlink for {@link dev.jns.net}: message encoding and decoding in byte buffers ({@code NlWriter},
 * {@code NlMessage}, {@code NlAttrs}, {@code Rtnl}), NETLINK_ROUTE sockets through jns's system calls
 * ({@code dev.jns.linux.ffi.Sys}), sessions opened inside a namespace with {@code NsHandle.call}, and, rootless, the
 * {@link dev.jns.linux.net.NetlinkTool} helper process that relays the same messages from inside a sandbox's user
 * namespace. Not an API: use {@link dev.jns.net.Net}.
 */
package dev.jns.linux.net;
