package dev.jns.testkit;

import dev.jns.NamespaceType;
import dev.jns.testkit.internal.IsolatedChild;
import dev.jns.testkit.internal.IsolatedMain;
import dev.jns.testkit.internal.IsolatedPool;
import dev.jns.testkit.internal.IsolatedResult;
import dev.jns.testkit.internal.ProcFs;
import dev.jns.testkit.internal.Support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The extension behind {@link Isolated}. In the parent JVM it skips the test method's body (and the
 * {@code @BeforeEach}/{@code @AfterEach} methods around it) and hands the test to a child JVM running
 * {@code dev.jns.testkit.internal.IsolatedMain} with the parent's class path, started through
 * {@link dev.jns.Namespaces#spawn()} in new user (root inside), pid (with /proc), mount (with its own
 * /etc/hosts naming the hostname), uts, ipc and net (loopback up) namespaces made for that child alone.
 * Children are started ahead: per configuration (hostname, clock offset, JVM options) a few wait, warmed up,
 * and each takes exactly one test and is then thrown away. The child selects the test by its unique id, runs it
 * with the JUnit Platform Launcher, and writes the outcome to a file; the parent rethrows the child's
 * exception as it was thrown, or a {@link TestAbortedException} for a skip. In the child
 * ({@code -Djns.testkit.isolated.child=true}) the extension lets everything run as usual.
 */
public final class IsolatedExtension implements InvocationInterceptor {
    /** Configuration parameters passed on to the child, when set. */
    private static final String[] FORWARDED = {"jns.testkit.fixtures", Support.REQUIRE_SUPPORT,
            "junit.jupiter.extensions.autodetection.enabled"};
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(IsolatedExtension.class);

    /** For JUnit. */
    public IsolatedExtension() {
    }

    private static boolean inChild() {
        return Boolean.getBoolean(IsolatedMain.CHILD);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext context) throws Throwable {
        if (inChild()) {
            invocation.proceed();
            return;
        }
        invocation.skip();
        runInChild(context);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation,
                                          ReflectiveInvocationContext<Method> invocationContext,
                                          ExtensionContext context) throws Throwable {
        proceedUnlessIsolated(invocation, isolated(context).isPresent());
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation,
                                         ReflectiveInvocationContext<Method> invocationContext,
                                         ExtensionContext context) throws Throwable {
        proceedUnlessIsolated(invocation, isolated(context).isPresent());
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation,
                                         ReflectiveInvocationContext<Method> invocationContext,
                                         ExtensionContext context) throws Throwable {
        proceedUnlessIsolated(invocation, classIsolated(context));
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation,
                                        ReflectiveInvocationContext<Method> invocationContext,
                                        ExtensionContext context) throws Throwable {
        proceedUnlessIsolated(invocation, classIsolated(context));
    }

    private static void proceedUnlessIsolated(Invocation<Void> invocation, boolean isolated) throws Throwable {
        if (isolated && !inChild()) {
            invocation.skip();
        } else {
            invocation.proceed();
        }
    }

    private static boolean classIsolated(ExtensionContext context) {
        return context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, Isolated.class)).isPresent();
    }

    private static Optional<Isolated> isolated(ExtensionContext context) {
        Optional<Isolated> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, Isolated.class));
        return onMethod.isPresent() ? onMethod
                : context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, Isolated.class));
    }

    private static void runInChild(ExtensionContext context) throws Throwable {
        Isolated config = isolated(context).orElseThrow();
        EnumSet<NamespaceType> types = namespaces(config);
        Optional<String> why = Support.whyNot(types, ProcFs.euid() != 0);
        if (why.isPresent()) {
            String reason = "jns: @Isolated needs " + types + " namespaces, which this machine cannot make: " + why.get();
            if (Support.required(context)) {
                throw new AssertionError(reason + " (" + Support.REQUIRE_SUPPORT + "=true turns this skip into a failure)");
            }
            throw new TestAbortedException(reason);
        }
        Map<String, String> forwarded = new TreeMap<>();
        for (String key : FORWARDED) {
            context.getConfigurationParameter(key).ifPresent(v -> forwarded.put(key, v));
        }
        IsolatedChild.Key key = new IsolatedChild.Key(config.hostname(), config.monotonicOffsetSeconds(),
                List.of(config.jvmArgs()), forwarded);
        IsolatedChild.Report report;
        try (IsolatedChild child = pool(context).take(key, context.getRequiredTestClass().getName())) {
            report = child.run(context.getUniqueId(), config.timeoutSeconds(), context.getDisplayName());
        }
        System.out.print(report.out());
        System.err.print(report.err());
        IsolatedResult r = report.result();
        if (r == null) {
            throw new AssertionError("the isolated JVM of " + context.getDisplayName() + " exited with "
                    + report.exitCode() + " without a result; its output:\n" + report.out() + report.err());
        }
        ClassLoader loader = context.getRequiredTestClass().getClassLoader();
        Throwable t = r.exception(loader);
        switch (r.status()) {
            case "SUCCESSFUL" -> {
            }
            case "SKIPPED" -> throw new TestAbortedException("skipped in the isolated JVM: " + r.reason());
            case "ABORTED" -> throw t instanceof TestAbortedException ? t
                    : new TestAbortedException("aborted in the isolated JVM: " + r.message(), t);
            default -> throw t != null ? t : new AssertionError("the isolated test failed without an exception");
        }
    }

    /**
     * The engine run's pool of children started ahead (closed, its waiting children killed, when the run
     * ends): {@value IsolatedPool#SPARES} children wait per configuration, by default one per processor (at most 4).
     */
    private static IsolatedPool pool(ExtensionContext context) {
        return context.getRoot().getStore(STORE).getOrComputeIfAbsent(PoolResource.class, k -> {
            String v = context.getConfigurationParameter(IsolatedPool.SPARES)
                    .orElse(System.getProperty(IsolatedPool.SPARES, ""));
            int spares;
            try {
                spares = v.isBlank() ? IsolatedPool.defaultSpares() : Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(IsolatedPool.SPARES + "=" + v + " is not a number");
            }
            return new PoolResource(new IsolatedPool(spares));
        }, PoolResource.class).pool;
    }

    /** Closes the pool with the engine run's root context. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit 5.10-5.12; 5.13+ closes it once as an AutoCloseable
    private record PoolResource(IsolatedPool pool) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            pool.close();
        }
    }

    /** The namespaces an isolated test gets. */
    private static EnumSet<NamespaceType> namespaces(Isolated config) {
        EnumSet<NamespaceType> s = EnumSet.of(NamespaceType.USER, NamespaceType.PID, NamespaceType.MOUNT,
                NamespaceType.UTS, NamespaceType.IPC, NamespaceType.NET);
        if (config.monotonicOffsetSeconds() != 0) {
            s.add(NamespaceType.TIME);
        }
        return s;
    }
}
