package dev.jns.testkit;

import dev.jns.doctor.DoctorFacts;
import dev.jns.doctor.DoctorProbe;
import dev.jns.doctor.DoctorReport;
import dev.jns.Errno;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.testkit.fixtures.RequiresFixture;
import dev.jns.testkit.internal.Support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

class RequiresNamespacesTest {
    @AfterEach
    void realDoctorAgain() {
        Support.useReport(null);
    }

    @Test
    void enabledWhereTheDoctorSaysTheyWork() {
        if (Namespaces.doctor().whyNot(List.of(NamespaceType.USER, NamespaceType.NET, NamespaceType.UTS), false).isPresent()) {
            org.junit.jupiter.api.Assumptions.abort("this machine cannot: " + Namespaces.doctor());
        }
        EngineExecutionResults r = EngineRuns.run(RequiresFixture.class);
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2).skipped(0));
    }

    @Test
    void skipsWithTheProbedReason() {
        Support.useReport(appArmorRestricted());
        String saved = System.getProperty(Support.REQUIRE_SUPPORT);
        System.clearProperty(Support.REQUIRE_SUPPORT); // CI sets it for the whole JVM; the parameter decides here
        try {
            EngineExecutionResults r = EngineRuns.run(RequiresFixture.class, Map.of(Support.REQUIRE_SUPPORT, "false"));
            r.testEvents().assertStatistics(s -> s.skipped(1).started(1).succeeded(1));
            r.testEvents().assertThatEvents().haveExactly(1, event(test("needsUserAndNet"),
                    skippedWithReason(m -> m.contains("FAILS at") && m.contains("EPERM")
                            && m.contains("AppArmor") && m.contains("apparmor_restrict_unprivileged_userns=0"))));
        } finally {
            if (saved != null) {
                System.setProperty(Support.REQUIRE_SUPPORT, saved);
            }
        }
    }

    @Test
    void requireSupportTurnsTheSkipIntoAFailure() {
        Support.useReport(appArmorRestricted());
        String saved = System.getProperty(Support.REQUIRE_SUPPORT);
        System.clearProperty(Support.REQUIRE_SUPPORT); // the configuration parameter decides here
        try {
            EngineExecutionResults r = EngineRuns.run(RequiresFixture.class, Map.of(Support.REQUIRE_SUPPORT, "true"));
            r.testEvents().assertStatistics(s -> s.skipped(0).failed(1).succeeded(1));
            r.testEvents().assertThatEvents().haveExactly(1, event(test("needsUserAndNet"),
                    finishedWithFailure(message(m -> m.contains("AppArmor") && m.contains("requireSupport=true")))));
        } finally {
            if (saved != null) {
                System.setProperty(Support.REQUIRE_SUPPORT, saved);
            }
        }
    }

    /** The real facts of this machine, with the probes that an AppArmor-restricted host gives a root JVM. */
    private static DoctorReport appArmorRestricted() {
        DoctorReport real = Namespaces.doctor();
        DoctorFacts f = real.facts();
        List<DoctorProbe> probes = new ArrayList<>();
        for (DoctorProbe p : real.probes()) {
            // a non-root JVM: only the net attempt fails (so needsUts still runs, as the statistics expect)
            if (!f.root() && p.type() == NamespaceType.NET) {
                probes.add(new DoctorProbe(p.name(), p.type(), p.uid(), p.rootless(), false,
                        p.type() == null ? "mount tmpfs" : "clone", Errno.EPERM,
                        "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)",
                        "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0", Duration.ZERO));
            } else {
                probes.add(p);
            }
        }
        if (f.root()) {
            // as root, the test needs only the root attempts: make the net one fail as in a restricted container
            probes.replaceAll(p -> !p.rootless() && p.type() == NamespaceType.NET
                    ? new DoctorProbe(p.name(), p.type(), p.uid(), false, false, "clone", Errno.EPERM,
                    "AppArmor denies it to this profile (as on a kernel.apparmor_restrict_unprivileged_userns=1 host)",
                    "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0", Duration.ZERO)
                    : p);
        }
        return new DoctorReport(f, probes);
    }
}
