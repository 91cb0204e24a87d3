package dev.jns.net;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NsHandle;
import dev.jns.spi.NetSession.LinkChange;

import java.util.List;

/**
 * A network interface by name in one namespace's {@link Net}: a light reference whose methods each send one
 * rtnetlink request. Methods that change the link return a reference to use next (the same one, or a new one
 * after {@link #rename} and {@link #moveTo(Net)}), so calls chain: {@code link.mtu(1400).addAddress("10.200.1.1/24").up()}.
 */
public final class Link {
    private final Net net;
    private final String name;

    Link(Net net, String name) {
        this.net = net;
        this.name = name;
    }

    /** The interface name. */
    public String name() {
        return name;
    }

    /** The namespace's network this link is in. */
    public Net net() {
        return net;
    }

    /** What the kernel reports of it now. @throws NamespaceException (ENODEV) when there is no such link */
    public LinkInfo info() {
        return net.find(name).orElseThrow(() -> NamespaceException.builder("show link " + name + " in " + net)
                .step("find the link").errno(Errno.number("ENODEV"))
                .hint("no link of that name; list them with Net.links()").build());
    }

    /** Whether a link of this name exists. */
    public boolean exists() {
        return net.find(name).isPresent();
    }

    /** Brings it up ({@code ip link set NAME up}). */
    public Link up() {
        change(new LinkChange(true, null, null, null, null));
        return this;
    }

    /** Takes it down. */
    public Link down() {
        change(new LinkChange(false, null, null, null, null));
        return this;
    }

    /** Sets the MTU (68 to 65535 for IPv4 on veth; the kernel says EINVAL outside the device's range). */
    public Link mtu(int mtu) {
        if (mtu <= 0) {
            throw new dev.jns.InvalidSpecException("mtu", mtu + " is not a positive number of bytes", "for example 1500");
        }
        change(new LinkChange(null, mtu, null, null, null));
        return this;
    }

    /** Sets the link-layer address ({@code "02:6a:6e:73:00:01"}). */
    public Link mac(String mac) {
        return mac(MacAddress.parse(mac));
    }

    /** Sets the link-layer address. */
    public Link mac(MacAddress mac) {
        if (mac.isMulticast()) {
            throw new dev.jns.InvalidSpecException("mac", mac + " is a multicast address", "clear the lowest bit of the first byte");
        }
        change(new LinkChange(null, null, mac, null, null));
        return this;
    }

    /** Renames it (the link must be down: EBUSY otherwise) and returns the renamed link. */
    public Link rename(String newName) {
        LinkNames.check("newName", newName);
        change(new LinkChange(null, null, null, newName, null));
        return new Link(net, newName);
    }

    /** Moves it into {@code target}'s namespace (it arrives down, without addresses) and returns it there. */
    public Link moveTo(Net target) {
        change(new LinkChange(null, null, null, null, Net.liveHandle("target", target)));
        return target.link(name);
    }

    /** Moves it into the network namespace of {@code netns}, which must be open. */
    public void moveTo(NsHandle netns) {
        Net.checkNet("netns", netns);
        change(new LinkChange(null, null, null, null, netns));
    }

    /** Adds an address ({@code "10.200.1.1/24"}, {@code "fd00:6a6e::1/64"}). */
    public Link addAddress(String cidr) {
        return addAddress(Cidr.parse(cidr));
    }

    /** Adds an address. */
    public Link addAddress(Cidr cidr) {
        net.session().addAddress(name, cidr);
        return this;
    }

    /** Removes an address. */
    public Link deleteAddress(Cidr cidr) {
        net.session().deleteAddress(name, cidr);
        return this;
    }

    /** This link's addresses, IPv4 first, in the kernel's order. */
    public List<Cidr> addresses() {
        return net.addresses().stream().filter(a -> a.link().equals(name)).map(AddressInfo::cidr).toList();
    }

    /** Deletes it ({@code ip link del}); deleting one end of a veth pair deletes both. */
    public void delete() {
        net.session().deleteLink(name);
    }

    private void change(LinkChange c) {
        net.session().changeLink(name, c);
    }

    /** {@code jns0 in net net:[4026532xxx]}. */
    @Override
    public String toString() {
        return name + " in " + net;
    }
}
