package dev.jns.net;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Named network namespaces, interoperable with iproute2: {@code NetNs.create("blue")} is what
 * {@code ip netns add blue} makes (a bind mount at {@code /run/netns/blue}), so {@code ip netns exec blue ...}
 * works on it, and namespaces made by {@code ip netns add} can be opened, listed and unpersisted here. The vocabulary is the handles' one: a
 * named namespace is a {@linkplain NsHandle#persist(java.nio.file.Path) persisted} handle, and
 * {@link #unpersist(String)} is {@link Namespaces#unpersist(java.nio.file.Path)} of its file.
 */
public final class NetNs {
    /** Where iproute2 keeps named network namespaces. */
    public static final Path DIR = Path.of("/run/netns");

    private NetNs() {
    }

    /** Creates a network namespace named {@code name} and returns a handle to it. Needs root (as ip netns). */
    public static NsHandle create(String name) {
        return dev.jns.internal.Providers.namespaces().addNetNs(checkName(name));
    }

    /** Opens the named network namespace. */
    public static NsHandle open(String name) {
        return Namespaces.open(DIR.resolve(checkName(name)), NamespaceType.NET);
    }

    /** The names in {@code /run/netns}, sorted; empty when the directory does not exist. */
    public static List<String> list() {
        if (!Files.isDirectory(DIR)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts and removes {@code /run/netns/NAME}, as {@code ip netns delete}. */
    public static void unpersist(String name) {
        dev.jns.internal.Providers.namespaces().deleteNetNs(checkName(name));
    }

    static String checkName(String name) {
        return dev.jns.internal.TextChecks.netnsName("name", name);
    }
}
