package dev.jns.net;

/**
 * A network interface of a namespace, as listed by {@link Net#links()} ({@code ip link}).
 *
 * @param index     the interface index (unique within its namespace)
 * @param name      the interface name ({@code lo}, {@code jns0})
 * @param kind      the link type from {@code IFLA_INFO_KIND} ({@code "veth"}), or null for one without (lo)
 * @param mtu       the MTU in bytes
 * @param mac       the link-layer address, or null when the link has none of 6 bytes
 * @param up        whether it is administratively up ({@code IFF_UP})
 * @param lowerUp   whether the carrier is there ({@code IFF_LOWER_UP}; a veth whose peer is down has none)
 * @param operState the operational state as {@code ip} prints it ({@code UP}, {@code DOWN}, {@code UNKNOWN} ...)
 * @param flags     the raw {@code IFF_*} flags
 */
public record LinkInfo(int index, String name, String kind, int mtu, MacAddress mac, boolean up, boolean lowerUp,
                       String operState, int flags) {
}
