package dev.jns.examples;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;

/**
 * The jns tour: shows, for each part of the namespaces walkthrough, what the host sees beside what a
 * namespace sees. Run it with {@code mvn -q -pl examples -am verify exec:java} (see the README).
 */
public final class Tour {
    private Tour() {
    }

    public static void main(String[] args) {
        System.out.println("== The calling thread's namespaces (as ls -l /proc/self/ns) ==");
        for (NamespaceType t : NamespaceType.values()) {
            try (NsHandle h = Namespaces.current(t)) {
                System.out.printf("%-7s -> %s%n", t.procName(), h);
            }
        }
    }
}
