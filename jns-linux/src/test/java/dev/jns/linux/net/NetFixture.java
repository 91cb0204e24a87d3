package dev.jns.linux.net;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Fresh network namespaces for a test, held by handles (the process that made each is gone at once). */
final class NetFixture implements AutoCloseable {
    private final List<NsHandle> handles = new ArrayList<>();

    /** A new, empty network namespace (lo down), made by a short-lived process with a new net namespace. */
    NsHandle newNetns() throws InterruptedException {
        try (NsProcess p = Namespaces.spawn().newNet().start("sleep", "60")) {
            NsHandle h = p.namespace(NamespaceType.NET);
            handles.add(h);
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            return h;
        }
    }

    @Override
    public void close() {
        for (NsHandle h : handles) {
            h.close();
        }
    }

    static String java() {
        return System.getProperty("java.home") + "/bin/java";
    }

    static String classpath() {
        return System.getProperty("java.class.path");
    }

}
