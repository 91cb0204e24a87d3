package dev.jns.linux.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sandbox tests' fixture as one extension, on an instance field:
 * {@code @RegisterExtension final WorkDir work = new WorkDir("jns-fs-");}. Around each test: a fresh directory
 * under /tmp that jnsci may write to as well (the launcher can drop to it), deleted after the test, and a
 * {@link LeakCheck} (jns's JVM-wide resources are started first, {@link Warm}, so they are not counted). As
 * {@link NoLeaks}, the leak check is left out after a test that failed or was aborted: its own failure says more.
 * Extensions run before the class's {@code @BeforeEach} methods, so those can use the directory.
 */
public final class WorkDir implements BeforeEachCallback, AfterEachCallback {
    private final String prefix;
    private Path dir;
    private LeakCheck leaks;

    /** A directory named {@code prefix} and a random suffix, made anew for each test. */
    public WorkDir(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Warm.up();
        leaks = LeakCheck.start();
        dir = SandboxSupport.sharedDir(prefix);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        LeakCheck check = leaks;
        leaks = null;
        try {
            SandboxSupport.deleteTree(dir);
        } finally {
            dir = null;
        }
        if (check != null && context.getExecutionException().isEmpty()) {
            check.assertNoLeaks();
        }
    }

    /** The test's directory. */
    public Path path() {
        if (dir == null) {
            throw new IllegalStateException("WorkDir is there only while a test runs");
        }
        return dir;
    }

    /**
     * A directory {@code name} in the work directory that every user may write (rwxrwxrwx): for a sandbox whose
     * launcher drops to another uid (jnsci) and writes there.
     */
    public Path sharedDir(String name) throws IOException {
        Path d = Files.createDirectories(resolve(name));
        Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    /** {@code path().resolve(other)}. */
    public Path resolve(String other) {
        return path().resolve(other);
    }
}
