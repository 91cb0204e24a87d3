package dev.jns.linux.modulepath;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.SpawnResult;
import dev.jns.spi.NamespaceProvider;

import java.lang.module.ModuleDescriptor;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Run by {@link ModulePathTest} on a class path of its own, with jns-core, jns-linux and their dependencies on
 * the module path: prints which module provides jns and what it exports and opens, then makes system calls (a namespace
 * handle) and a spawn through it, one {@code key=value} line each.
 */
public final class ModulePathMain {
    private ModulePathMain() {
    }

    public static void main(String[] args) throws Exception {
        NamespaceProvider provider = ServiceLoader.load(NamespaceProvider.class).findFirst().orElseThrow();
        Module module = provider.getClass().getModule();
        System.out.println("provider=" + provider.getClass().getName());
        System.out.println("module=" + module.getName());
        ModuleDescriptor d = module.getDescriptor();
        TreeSet<String> exports = new TreeSet<>();
        d.exports().forEach(e -> exports.add(e.source() + (e.isQualified() ? " to " + e.targets() : "")));
        System.out.println("exports=" + exports);
        TreeSet<String> opens = new TreeSet<>();
        d.opens().forEach(o -> opens.add(o.source() + (o.isQualified() ? " to " + o.targets() : "")));
        System.out.println("opens=" + opens);
        try (NsHandle uts = Namespaces.current(NamespaceType.UTS)) {
            System.out.println("uts=" + uts.type());
        }
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().newUts().hostname("on-the-module-path")
                .run("/bin/sh", "-c", "cat /proc/sys/kernel/hostname");
        System.out.println("spawn=" + r.exitCode() + " " + r.stdout().strip());
    }
}
