package dev.jns.linux.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(NoLeaks.class)}: each test must leave no fd, jns-enter thread, child process or mount
 * behind ({@link LeakCheck}). jns's one-time JVM-wide resources are started first ({@link Warm}), so they
 * are not counted.
 */
public final class NoLeaks implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeaks.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        Warm.up();
        context.getStore(NS).put("leaks", LeakCheck.start());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LeakCheck leaks = context.getStore(NS).remove("leaks", LeakCheck.class);
        if (leaks != null && context.getExecutionException().isEmpty()) {
            leaks.assertNoLeaks();
        }
    }
}
