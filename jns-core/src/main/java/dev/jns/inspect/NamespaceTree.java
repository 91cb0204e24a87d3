package dev.jns.inspect;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of {@link Namespaces#list()} with the relations between namespaces: the tree by parent (user and
 * pid namespaces, {@code NS_GET_PARENT}) and by owner (the user namespace that owns each namespace,
 * {@code NS_GET_USERNS}). Relations the kernel hides from the caller are absent.
 */
public final class NamespaceTree {
    private final List<NamespaceInfo> all;

    /** Wraps a listing. */
    public NamespaceTree(List<NamespaceInfo> namespaces) {
        this.all = List.copyOf(namespaces);
    }

    /** Every namespace of the snapshot. */
    public List<NamespaceInfo> all() {
        return all;
    }


    /** The namespace of that type and inode, when listed. */
    public Optional<NamespaceInfo> find(NamespaceType type, long inode) {
        return all.stream().filter(i -> i.type() == type && i.inode() == inode).findFirst();
    }

    /** The parent of a user or pid namespace, when known and listed. */
    public Optional<NamespaceInfo> parent(NamespaceInfo ns) {
        return lookup(ns.type(), ns.parent());
    }

    /** The user namespace that owns {@code ns}, when known and listed. */
    public Optional<NamespaceInfo> owner(NamespaceInfo ns) {
        return lookup(NamespaceType.USER, ns.owner());
    }

    private Optional<NamespaceInfo> lookup(NamespaceType type, OptionalLong inode) {
        return inode.isPresent() ? find(type, inode.getAsLong()) : Optional.empty();
    }

    /** The namespaces whose parent is {@code ns} (children of a user or pid namespace), by inode. */
    public List<NamespaceInfo> children(NamespaceInfo ns) {
        return all.stream().filter(i -> i.type() == ns.type() && i.parent().isPresent()
                && i.parent().getAsLong() == ns.inode()).sorted(Comparator.comparingLong(NamespaceInfo::inode)).toList();
    }

    /** The namespaces (of every type) owned by the user namespace {@code userNs}, by inode. */
    public List<NamespaceInfo> owned(NamespaceInfo userNs) {
        return all.stream().filter(i -> i.owner().isPresent() && i.owner().getAsLong() == userNs.inode()
                && userNs.type() == NamespaceType.USER).sorted(Comparator.comparingLong(NamespaceInfo::inode)).toList();
    }

    /** The user or pid namespaces of {@code type} whose parent is not listed: the tops of the parent tree. */
    public List<NamespaceInfo> roots(NamespaceType type) {
        return all.stream().filter(i -> i.type() == type).filter(i -> parent(i).isEmpty()).toList();
    }
}
