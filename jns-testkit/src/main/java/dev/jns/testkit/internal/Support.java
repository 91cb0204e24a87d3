package dev.jns.testkit.internal;

import dev.jns.doctor.DoctorReport;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Collection;
import java.util.Optional;

/** Skips with the doctor's reason, or fails when {@code jns.testkit.requireSupport} is true. Not API. */
public final class Support {
    /** The system property (or configuration parameter) that turns skips into failures. */
    public static final String REQUIRE_SUPPORT = "jns.testkit.requireSupport";
    /** The system property that makes every sandbox as this user in a root JVM. */
    public static final String RUN_AS_USER = "jns.testkit.runAsUser";

    private Support() {
    }

    /** Whether skips for lack of support must fail. */
    public static boolean required(ExtensionContext context) {
        String v = System.getProperty(REQUIRE_SUPPORT);
        if (v == null || v.isBlank()) {
            v = context.getConfigurationParameter(REQUIRE_SUPPORT).orElse("false");
        }
        return Boolean.parseBoolean(v.trim());
    }

    private static volatile DoctorReport override;

    /**
     * For the testkit's own tests: answer from {@code report} instead of {@link Namespaces#doctor()} (null
     * restores the real one). The real report comes from real attempts; this lets the skip and failure paths
     * be tested on a machine where everything works.
     */
    public static void useReport(DoctorReport report) {
        override = report;
    }

    /** Why these namespaces cannot be made here (by the doctor's real attempts), or empty. */
    public static Optional<String> whyNot(Collection<NamespaceType> types, boolean rootless) {
        DoctorReport r = override;
        return (r != null ? r : Namespaces.doctor()).whyNot(types, rootless);
    }

    /**
     * Enabled when the namespaces can be made; otherwise disabled with the reason, or, when support is
     * required, an {@link AssertionError} (JUnit reports the test as failed).
     */
    public static ConditionEvaluationResult evaluate(ExtensionContext context, Collection<NamespaceType> types,
                                                     boolean rootless) {
        Optional<String> why = whyNot(types, rootless);
        if (why.isEmpty()) {
            return ConditionEvaluationResult.enabled("jns: " + types + " can be made here");
        }
        String reason = "jns: this machine cannot make " + types + " namespaces"
                + (rootless ? " without root" : "") + ": " + why.get();
        if (required(context)) {
            throw new AssertionError(reason + " (" + REQUIRE_SUPPORT + "=true turns this skip into a failure)");
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    /** The user every sandbox is made as in a root JVM, from the system property; empty when unset. */
    public static String runAsUser() {
        String v = System.getProperty(RUN_AS_USER, "");
        return v.trim();
    }
}
