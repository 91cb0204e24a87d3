package dev.jns.testkit;

import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.testkit.internal.ConfigLimits;
import dev.jns.testkit.internal.ConfigMounts;
import dev.jns.sandbox.Limits;
import dev.jns.testkit.internal.LeakCheck;
import dev.jns.testkit.internal.ProcFs;
import dev.jns.testkit.internal.Support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves {@link Sandbox} parameters of test methods, lifecycle methods and constructors (register it with
 * {@link WithSandbox} or {@code @ExtendWith(SandboxExtension.class)}), configured by {@link SandboxConfig}.
 *
 * <p>A sandbox lives for one test method (by default; {@code @BeforeEach}, the test and {@code @AfterEach}
 * share it) or, with {@link SandboxConfig.Scope#CLASS} or when a constructor or {@code @BeforeAll} method asks
 * for it, for the whole class. It is kept in the extension store, so JUnit closes it when its scope ends, also
 * when the test fails. On closing, the extension fails the test if the sandbox left anything behind: processes
 * still in it (besides its holder), mounts that appeared on the host (in the JVM's mount namespace), or fds the
 * JVM opened since (pipes, sockets, pidfds, namespace files); the message names each. With parallel execution
 * only processes and fds of the sandbox's own namespaces are checked (the rest cannot be told apart).
 *
 * <p>Tests of a class that uses it are disabled, with the reason from {@link dev.jns.Namespaces#doctor()},
 * where the sandbox's namespaces cannot be made; {@code jns.testkit.requireSupport=true} makes them fail.
 */
public final class SandboxExtension implements ParameterResolver, ExecutionCondition, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SandboxExtension.class);
    private static final String KEY = "sandbox";

    /** For JUnit. */
    public SandboxExtension() {
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        SandboxConfig config = config(context);
        Sandbox.Builder b = baseBuilder(config);
        Set<NamespaceType> types = EnumSet.copyOf(b.namespaceTypes());
        if (hasMounts(config)) {
            types.add(NamespaceType.MOUNT); // the mounts themselves are checked when the sandbox is made
        }
        return Support.evaluate(context, types, b.rootless());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Sandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        SandboxConfig config = config(context);
        boolean classWide = context.getTestMethod().isEmpty() || config.scope() == SandboxConfig.Scope.CLASS;
        ExtensionContext owner = classWide ? classContext(context) : context;
        if (classWide && context.getTestMethod().isPresent()) {
            config = classConfig(owner);
        }
        SandboxConfig chosen = config;
        // keyed by the owner: a store lookup also sees its parents' values
        Managed m = owner.getStore(NS).getOrComputeIfAbsent(KEY + owner.getUniqueId(), k -> open(chosen, context),
                Managed.class);
        return m.sandbox;
    }

    /** Per-class sandboxes: a test that leaves processes in it fails at once, and they are ended. */
    @Override
    public void afterEach(ExtensionContext context) {
        ExtensionContext owner = classContext(context);
        Managed m = owner.getStore(NS).get(KEY + owner.getUniqueId(), Managed.class);
        if (m == null || !m.checkLeaks) {
            return;
        }
        List<String> procs = LeakCheck.processes(m.sandbox);
        if (!procs.isEmpty()) {
            for (long p : m.sandbox.strayProcesses()) {
                ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
            throw new AssertionError("the test left processes in the class's sandbox: " + String.join(", ", procs));
        }
    }

    private static Managed open(SandboxConfig config, ExtensionContext context) {
        Sandbox.Builder b = builder(config);
        Optional<String> why = Support.whyNot(b.namespaceTypes(), b.rootless());
        if (why.isPresent()) {
            throw new ParameterResolutionException("jns: cannot make a sandbox of " + b.namespaceTypes() + " here: "
                    + why.get());
        }
        boolean parallel = context.getConfigurationParameter("junit.jupiter.execution.parallel.enabled")
                .map(Boolean::parseBoolean).orElse(false);
        LeakCheck leaks = config.checkLeaks() ? LeakCheck.before(parallel) : null;
        return new Managed(b.open(), leaks);
    }

    /**
     * The builder of a configuration, its mounts included.
     *
     * @throws dev.jns.InvalidSpecException naming the attribute and entry of a malformed mount
     */
    static Sandbox.Builder builder(SandboxConfig c) {
        Sandbox.Builder b = baseBuilder(c);
        if (hasMounts(c)) {
            b.mounts(ConfigMounts.plan(c.binds(), c.roBinds(), c.tmpfs()));
        }
        return b;
    }

    private static boolean hasMounts(SandboxConfig c) {
        return c.binds().length + c.roBinds().length + c.tmpfs().length > 0;
    }

    private static Sandbox.Builder baseBuilder(SandboxConfig c) {
        Sandbox.Builder b = Sandbox.builder().namespaces(c.namespaces()).hostname(c.hostname()).loopback(c.loopback())
                .hostsFile(c.hostsFile())
                .idMapping(c.idMapping())
                .timeOffsets(Duration.ofSeconds(c.monotonicOffsetSeconds()), Duration.ofSeconds(c.boottimeOffsetSeconds()));
        String user = !c.runAsUser().isEmpty() ? c.runAsUser() : Support.runAsUser();
        if (!user.isEmpty() && ProcFs.euid() == 0) {
            b.runAsUser(user);
        }
        Limits limits = ConfigLimits.of(c.memory(), c.pids(), c.cpus());
        if (limits != null) {
            b.limits(limits);
        }
        return b;
    }

    private static SandboxConfig config(ExtensionContext context) {
        Optional<Method> m = context.getTestMethod();
        if (m.isPresent()) {
            Optional<SandboxConfig> onMethod = AnnotationSupport.findAnnotation(m.get(), SandboxConfig.class);
            if (onMethod.isPresent()) {
                return onMethod.get();
            }
        }
        return classConfig(context);
    }

    private static SandboxConfig classConfig(ExtensionContext context) {
        for (Optional<Class<?>> c = context.getTestClass(); c.isPresent(); c = Optional.ofNullable(c.get().getEnclosingClass())) {
            Optional<SandboxConfig> a = AnnotationSupport.findAnnotation(c.get(), SandboxConfig.class);
            if (a.isPresent()) {
                return a.get();
            }
        }
        return Defaults.class.getAnnotation(SandboxConfig.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    @SandboxConfig
    private static final class Defaults {
    }

    /** A sandbox in the store: JUnit closes it (5.10+: CloseableResource; 5.13+ and 6: AutoCloseable). */
    @SuppressWarnings("deprecation")
    static final class Managed implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final Sandbox sandbox;
        final LeakCheck leaks;
        final boolean checkLeaks;
        private boolean closed;

        Managed(Sandbox sandbox, LeakCheck leaks) {
            this.sandbox = sandbox;
            this.leaks = leaks;
            this.checkLeaks = leaks != null;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            List<String> found = new ArrayList<>();
            Set<Long> inodes = new HashSet<>();
            if (checkLeaks) {
                found.addAll(LeakCheck.processes(sandbox));
                for (NamespaceType t : sandbox.namespaces()) {
                    NsHandle h = sandbox.namespace(t);
                    inodes.add(h.inode());
                }
            }
            sandbox.close();
            if (checkLeaks) {
                found.addAll(leaks.after(inodes));
            }
            if (!found.isEmpty()) {
                throw new AssertionError("the sandbox left " + found.size() + " thing(s) behind: "
                        + String.join("; ", found));
            }
        }
    }
}
