package dev.jns.linux.doctor;

import dev.jns.doctor.DoctorFacts;
import dev.jns.doctor.DoctorProbe;
import dev.jns.doctor.DoctorReport;
import dev.jns.Errno;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DoctorTest {
    @Test
    void reportIsCachedAndComplete() {
        DoctorReport r = Namespaces.doctor();
        assertThat(Namespaces.doctor()).isSameAs(r);
        System.out.println(r);
        DoctorFacts f = r.facts();
        assertThat(f.kernel()).isNotEmpty();
        assertThat(f.euid()).isEqualTo(Long.parseLong(new com.sun.security.auth.module.UnixSystem().getUid() + ""));
        // as the caller: eight types, the userns + tmpfs, seccomp and cgroup-limits attempts (root: and the idmap
        // attempt); as root also the same as nobody
        assertThat(r.probes(false)).hasSize(f.root() ? 12 : 11);
        assertThat(r.probes(true)).hasSize(11);
        assertThat(r.probes()).hasSize(f.root() ? 23 : 11);
        for (NamespaceType t : NamespaceType.values()) {
            assertThat(r.probe(t, false)).isPresent();
            assertThat(r.probe(t, true)).get().extracting(DoctorProbe::rootless).isEqualTo(true);
        }
    }

    @Test
    void everythingWorksOnThisMachine() {
        DoctorReport r = Namespaces.doctor();
        // this machine (see DESIGN.md) allows unprivileged user namespaces; a failure here names the cause
        assertThat(r.whyNot(EnumSet.allOf(NamespaceType.class), false)).isEmpty();
        assertThat(r.whyNot(EnumSet.allOf(NamespaceType.class), true)).isEmpty();
        assertThat(r.userNamespaceMount(true)).get().extracting(DoctorProbe::works).isEqualTo(true);
        assertThat(r.facts().timeNamespaces()).isTrue();
        assertThat(r.facts().pidfd()).isTrue();
        assertThat(r.facts().sysctls()).containsKey("user.max_user_namespaces");
        // the launcher's seccomp: its libseccomp, and a sandbox under the default filter starts
        assertThat(r.facts().sandboxSeccomp()).startsWith("libseccomp ").contains("seccomp filters available");
        assertThat(r.toString()).contains("sandbox seccomp   libseccomp ");
        assertThat(r.probes()).filteredOn(p -> p.name().equals(DoctorProbe.SECCOMP)).isNotEmpty()
                .allMatch(DoctorProbe::works);
    }

    @Test
    void cgroupsAreReportedWithEachControllerAndTheAttemptMatchesThem() {
        DoctorReport r = Namespaces.doctor();
        dev.jns.doctor.CgroupFacts c = r.facts().cgroups();
        assertThat(c.version()).isIn("v2", "v1", "hybrid", "none");
        assertThat(c.controllers()).containsOnlyKeys("memory", "pids", "cpu");
        assertThat(r.toString()).contains("cgroup limits     " + c.describe());
        assertThat(r.toJson()).contains("\"cgroups\":{\"version\":\"" + c.version() + "\"");
        DoctorProbe mine = r.probes(false).stream().filter(p -> p.name().equals(DoctorProbe.CGROUP_LIMITS))
                .findFirst().orElseThrow();
        boolean usable = c.delegated() && c.available("memory") && c.available("pids");
        assertThat(mine.works()).as(mine.describe() + " / " + c.describe()).isEqualTo(usable);
        if (!r.facts().root()) {
            return;
        }
        DoctorProbe nobody = r.probes(true).stream().filter(p -> p.name().equals(DoctorProbe.CGROUP_LIMITS))
                .findFirst().orElseThrow();
        if (!nobody.works()) {
            assertThat(nobody.fix()).contains("delegated");
        }
    }

    @Test
    void rootProbesIdmappedBinds() {
        DoctorReport r = Namespaces.doctor();
        assumeTrue(r.facts().root(), "idmapped binds need root: the probe is made for a root JVM only");
        DoctorProbe idmap = r.probes(false).stream().filter(p -> DoctorProbe.IDMAP.equals(p.name())).findFirst()
                .orElseThrow();
        // java.io.tmpdir is on ext4 here (Linux 6.18): idmapped mounts work
        assertThat(idmap.works()).as(idmap.describe()).isTrue();
    }

    @Test
    void sysctlsAreReadWhole() throws Exception {
        // a sysctl file answers only the first read: the value must not be cut to its first character
        Process cat = new ProcessBuilder("cat", "/proc/sys/user/max_user_namespaces").start();
        String expected = new String(cat.getInputStream().readAllBytes()).trim();
        cat.waitFor();
        assertThat(Namespaces.doctor().facts().sysctls()).containsEntry("user.max_user_namespaces", expected);
    }

    @Test
    void jsonHasEveryProbe() {
        DoctorReport r = Namespaces.doctor();
        String json = r.toJson();
        assertThat(json).startsWith("{\"facts\":{\"kernel\":").endsWith("]}");
        assertThat(json.split("\"works\":", -1)).hasSize(r.probes().size() + 1);
        assertThat(json).contains("\"sysctls\":{\"user.max_user_namespaces\":");
        // balanced braces and brackets outside strings
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                assertThat(depth).isGreaterThanOrEqualTo(0);
            }
        }
        assertThat(depth).isZero();
    }

    @Test
    void causesNameTheSysctlsAppArmorAndHelpers() {
        DoctorFacts base = FactsReader.read();
        DoctorFacts off = with(base, Map.of("user.max_user_namespaces", "0"), 0);
        assertThat(Causes.explain(off, NamespaceType.NET, true, "clone", Errno.EPERM, null).cause())
                .contains("user.max_user_namespaces is 0");
        DoctorFacts aa = with(base, Map.of("user.max_user_namespaces", "1000",
                "kernel.apparmor_restrict_unprivileged_userns", "1"), 0);
        Causes.Explanation e = Causes.explain(aa, null, true, "mount tmpfs", Errno.EPERM, null);
        assertThat(e.cause()).contains("AppArmor");
        assertThat(e.fix()).contains("apparmor_restrict_unprivileged_userns=0");
        DoctorFacts seccomp = with(base, Map.of("user.max_user_namespaces", "1000"), 2);
        assertThat(Causes.explain(seccomp, NamespaceType.USER, true, "clone", Errno.EPERM, null).cause())
                .contains("seccomp");
        assertThat(Causes.explain(base, NamespaceType.USER, true, "newuidmap", Errno.EPERM, null).cause())
                .contains("/etc/subuid");
        assertThat(Causes.explain(base, NamespaceType.NET, false, "clone", Errno.ENOSPC, null).fix())
                .contains("user.max_net_namespaces");
    }

    @Test
    void unavailableReportFailsEverythingWithTheReason() {
        DoctorReport r = DoctorReport.unavailable("no implementation", "add jns-linux");
        assertThat(r.whyNot(List.of(NamespaceType.NET), false)).get().asString().contains("no implementation");
        assertThat(r.whyNot(List.of(NamespaceType.NET), true)).get().asString().contains("add jns-linux");
        assertThat(r.supports(List.of(), false)).isTrue();
    }

    @Test
    void rootProbesTheRootlessPathAsNobody() {
        DoctorReport r = Namespaces.doctor();
        assumeTrue(r.facts().root(), "the JVM is not root: its own attempts are the rootless ones");
        assertThat(r.probes(true)).allSatisfy(p -> assertThat(p.uid()).isEqualTo(FactsReader.ids("nobody")[0]));
        assertThat(r.probes(false)).allSatisfy(p -> assertThat(p.rootless()).isFalse());
    }

    private static DoctorFacts with(DoctorFacts f, Map<String, String> sysctls, int seccomp) {
        return new DoctorFacts(f.kernel(), f.euid(), f.user(), f.newuidmap(), f.newgidmap(), f.subuid(), f.subgid(),
                sysctls, seccomp, seccomp == 2 ? 1 : 0, f.container(), f.cgroupV2(), f.cgroup(), f.cgroupWritable(),
                f.timeNamespaces(), f.pidfd());
    }
}
