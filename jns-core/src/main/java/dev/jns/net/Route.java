package dev.jns.net;

import dev.jns.InvalidSpecException;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A route of the main table: where packets for {@link #destination()} go. To add one:
 * {@code net.addRoute(Route.defaultVia("10.200.1.1"))} or
 * {@code net.addRoute(Route.to("10.201.0.0/16").via("10.200.1.1").dev("jns0"))}. {@link Net#routes()} lists them.
 *
 * @param destination the destination network ({@code 0.0.0.0/0} or {@code ::/0} for the default route)
 * @param gateway     the next hop, or null for a directly connected network
 * @param device      the outgoing interface's name, or null to let the kernel find it from the gateway
 * @param metric      the priority ({@code RTA_PRIORITY}, lower wins); 0 when not given (IPv6 then uses 1024)
 */
public record Route(Cidr destination, InetAddress gateway, String device, int metric) {
    /** Checks that destination and gateway are of one family and the device name is one. */
    public Route {
        Objects.requireNonNull(destination, "destination");
        destination = destination.network();
        if (gateway != null && gateway.getAddress().length != destination.bytes().length) {
            throw new InvalidSpecException("gateway", "gateway " + Cidr.format(gateway) + " is "
                    + Family.ofLength(gateway.getAddress().length) + " but destination " + destination + " is "
                    + destination.family(), "give a gateway of the destination's address family");
        }
        if (device != null) {
            LinkNames.check("device", device);
        }
        if (metric < 0) {
            throw new InvalidSpecException("metric", metric + " is negative", "0 or more");
        }
    }

    /** A route to a network ({@code "10.201.0.0/16"}, {@code "fd00:1::/64"}, or {@code "default"} for IPv4's). */
    public static Route to(String destination) {
        return new Route("default".equals(destination) ? Cidr.any(Family.IPV4)
                : "default6".equals(destination) ? Cidr.any(Family.IPV6)
                : Cidr.parse("destination", destination), null, null, 0);
    }

    /** A route to a network. */
    public static Route to(Cidr destination) {
        return new Route(destination, null, null, 0);
    }

    /** The default route of the gateway's family, through {@code gateway} ({@code "10.200.1.1"} or {@code "fd00::1"}). */
    public static Route defaultVia(String gateway) {
        InetAddress gw = Cidr.parseAddress("gateway", gateway);
        return new Route(Cidr.any(Family.ofLength(gw.getAddress().length)), gw, null, 0);
    }

    /** The default route of a family through an interface, without a gateway (point-to-point style). */
    public static Route defaultDev(Family family, String device) {
        return new Route(Cidr.any(family), null, device, 0);
    }

    /** This route with a next hop (of the destination's family). */
    public Route via(String gateway) {
        return new Route(destination, Cidr.parseAddress("gateway", gateway), device, metric);
    }

    /** This route through an interface. */
    public Route dev(String device) {
        return new Route(destination, gateway, device, metric);
    }

    /** This route with a metric. */
    public Route metric(int metric) {
        return new Route(destination, gateway, device, metric);
    }

    /** The family of the route. */
    public Family family() {
        return destination.family();
    }

    /** Whether destination, gateway and device agree with {@code spec}'s (its null fields and 0 metric match any). */
    public boolean matches(Route spec) {
        return destination.equals(spec.destination)
                && (spec.gateway == null || spec.gateway.equals(gateway))
                && (spec.device == null || spec.device.equals(device))
                && (spec.metric == 0 || spec.metric == metric);
    }

    /** As {@code ip route} prints it: {@code default via 10.200.1.1 dev jns0}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(destination.isDefault() ? "default" : destination.toString());
        if (gateway != null) {
            sb.append(" via ").append(Cidr.format(gateway));
        }
        if (device != null) {
            sb.append(" dev ").append(device);
        }
        if (metric != 0) {
            sb.append(" metric ").append(metric);
        }
        return sb.toString();
    }
}
