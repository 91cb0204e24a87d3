package dev.jns.internal;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finding the provider: the named class first, ServiceLoader for the rest, else one that says what is missing. */
class ProvidersTest {
    @Test
    void aNamedClassThatIsAbsentOrNoProviderLeavesItToServiceLoader() {
        assertNull(Providers.named("dev.jns.no.SuchProvider"));
        assertNull(Providers.named("java.lang.String"), "not a NamespaceProvider");
        assertNull(Providers.named("dev.jns.internal.ProvidersTest$Abstract"), "cannot be instantiated");
    }

    @Test
    void withoutJnsLinuxEveryCallSaysWhatIsMissing() {
        // jns-core's own tests run without jns-linux: neither the default class nor ServiceLoader finds one
        assertNull(Providers.named(Providers.DEFAULT_PROVIDER));
        assertFalse(Providers.namespaces().isAvailable());
        NamespaceException e = assertThrows(NamespaceException.class,
                () -> Providers.namespaces().current(NamespaceType.NET));
        assertEquals("find an implementation", e.step());
        assertTrue(e.detail().contains("none found"), e.detail());
        assertTrue(e.hint().contains("jns-linux"), e.hint());
    }

    /** A provider class the fast path cannot make. */
    public abstract static class Abstract implements dev.jns.spi.NamespaceProvider {
        public Abstract() {
        }
    }
}
