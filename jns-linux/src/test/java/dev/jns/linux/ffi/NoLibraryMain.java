package dev.jns.linux.ffi;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;

/**
 * A JVM whose jns native library cannot be loaded (the test gives it a {@code jns.native.dir} no one can write):
 * prints, one line per call, the class of what two spawns and an open of a namespace threw, and their step.
 */
public final class NoLibraryMain {
    private NoLibraryMain() {
    }

    public static void main(String[] args) {
        for (int i = 0; i < 3; i++) {
            try {
                if (i < 2) {
                    Namespaces.spawn().run("/bin/true");
                } else {
                    Namespaces.current(NamespaceType.NET).close();
                }
                System.out.println("no failure");
            } catch (NamespaceException e) {
                System.out.println(e.getClass().getSimpleName() + " | " + e.step() + " | " + e.errnoName() + " | "
                        + e.hint());
            } catch (Throwable t) {
                System.out.println(t.getClass().getName() + " | " + t.getMessage());
            }
        }
    }
}
