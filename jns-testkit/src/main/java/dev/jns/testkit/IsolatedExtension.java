package dev.jns.testkit;

import dev.jns.NamespaceType;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.Namespaces;
import dev.jns.testkit.internal.IsolatedMain;
import dev.jns.testkit.internal.IsolatedResult;
import dev.jns.testkit.internal.ProcFs;
import dev.jns.testkit.internal.Support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The extension behind {@link Isolated}. In the parent JVM it skips the test method's body (and the
 * {@code @BeforeEach}/{@code @AfterEach} methods around it) and instead starts
 * {@code java -cp <the class path> dev.jns.testkit.internal.IsolatedMain} through {@link Namespaces#spawn()}
 * in new user (root inside), pid (with /proc), mount, uts, ipc and net (loopback up)
 * namespaces. The child selects the test by its unique id, runs it with the JUnit Platform Launcher, and writes
 * the outcome to a file; the parent rethrows the child's exception as it was thrown, or a
 * {@link TestAbortedException} for a skip. In the child ({@code -Djns.testkit.isolated.child=true}) the
 * extension lets everything run as usual.
 */
public final class IsolatedExtension implements InvocationInterceptor {
    /** Configuration parameters passed on to the child, when set. */
    private static final String[] FORWARDED = {"jns.testkit.fixtures", Support.REQUIRE_SUPPORT,
            "junit.jupiter.extensions.autodetection.enabled"};
    private static final java.util.concurrent.ExecutorService DRAINERS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "jns-isolated-drain");
                t.setDaemon(true);
                return t;
            });

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
        Path dir = Files.createTempDirectory("jns-isolated-");
        Path resultFile = dir.resolve("result");
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String p : System.getProperties().stringPropertyNames()) {
                if (p.startsWith("jns.") && !p.equals(IsolatedMain.CHILD)) {
                    cmd.add("-D" + p + "=" + System.getProperty(p));
                }
            }
            cmd.add("-D" + IsolatedMain.CHILD + "=true");
            // jns-linux loads jffi's native library: JDK 24+ warns unless native access is enabled (JDK 17+ accept it)
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(List.of(config.jvmArgs()));
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(IsolatedMain.class.getName());
            cmd.add(resultFile.toString());
            cmd.add(context.getUniqueId());
            for (String key : FORWARDED) {
                context.getConfigurationParameter(key).ifPresent(v -> cmd.add(key + "=" + v));
            }
            runChild(config, cmd, resultFile, context);
        } finally {
            Sandbox.deleteTree(dir);
        }
    }

    private static void runChild(Isolated config, List<String> javaCmd, Path resultFile, ExtensionContext context)
            throws Throwable {
        Spawn s = Namespaces.spawn().mapRootUser().newPid().mountProc().newUts().hostname(config.hostname())
                .newIpc().newNet();
        if (config.monotonicOffsetSeconds() != 0) {
            s.timeOffsets(Duration.ofSeconds(config.monotonicOffsetSeconds()), Duration.ZERO);
        }
        List<String> cmd = new ArrayList<>(javaCmd); // the launcher brings lo up in the new net namespace
        String out;
        String err;
        int code;
        try (NsProcess p = s.start(cmd.toArray(new String[0]))) {
            p.getOutputStream().close();
            CompletableFuture<String> errF = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), DRAINERS);
            CompletableFuture<String> outF = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), DRAINERS);
            if (!p.waitFor(config.timeoutSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new AssertionError("the isolated JVM of " + context.getDisplayName() + " ran longer than "
                        + config.timeoutSeconds() + " s and was killed; its output:\n" + outF.join() + errF.join());
            }
            code = p.exitValue();
            out = outF.join();
            err = errF.join();
        }
        System.out.print(out);
        System.err.print(err);
        if (!Files.exists(resultFile)) {
            throw new AssertionError("the isolated JVM of " + context.getDisplayName() + " exited with " + code
                    + " without a result; its output:\n" + out + err);
        }
        IsolatedResult r = IsolatedResult.read(resultFile);
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

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
