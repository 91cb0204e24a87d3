package dev.jns.linux.doctor;

import dev.jns.doctor.DoctorReport;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The doctor in a JVM that is not root: its own attempts go through user namespaces. */
@Tag("rootless")
class DoctorRootlessTest {
    @Test
    void unprivilegedJvmProbesThroughUserNamespaces() {
        DoctorReport r = Namespaces.doctor();
        assumeFalse(r.facts().root(), "runs as root; the rootless-as-user profile runs it as a plain user");
        System.out.println(r);
        assertThat(r.probes()).hasSize(11).allSatisfy(p -> assertThat(p.rootless()).isTrue());
        assertThat(r.whyNot(EnumSet.allOf(NamespaceType.class), false)).isEmpty();
        assertThat(r.facts().subuid()).isNotEmpty();
    }
}
