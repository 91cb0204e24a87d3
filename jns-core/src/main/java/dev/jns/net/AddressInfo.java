package dev.jns.net;

/**
 * An address of an interface, as listed by {@link Net#addresses()} ({@code ip addr}).
 *
 * @param linkIndex the interface's index
 * @param link      the interface's name
 * @param cidr      the address with its prefix length
 * @param scope     the scope as {@code ip} prints it: {@code global}, {@code link}, {@code host}, {@code site}
 *                  or a number
 */
public record AddressInfo(int linkIndex, String link, Cidr cidr, String scope) {
}
