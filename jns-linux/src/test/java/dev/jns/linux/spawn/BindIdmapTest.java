package dev.jns.linux.spawn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The idmap of an idmapped bind: the actor becomes the owner on disk, the sandbox's other ids stay themselves. */
class BindIdmapTest {
    @Test
    void theActorWritesAsTheOwnerAndTheOthersAsThemselves() {
        assertThat(BindIdmap.of("0 100000 65536\n", 100000, 1001)).isEqualTo("1001 100000 1\n100001 100001 65535\n");
        assertThat(BindIdmap.of("0 65534 1\n", 65534, 0)).isEqualTo("0 65534 1\n");
    }

    @Test
    void anOwnerInsideTheRangeIsCutOutOfTheIdentity() {
        // on disk, 100005 is the owner's line: the identity lines leave it out (map lines may not overlap)
        assertThat(BindIdmap.of("0 100000 10\n", 100000, 100005))
                .isEqualTo("100005 100000 1\n100001 100001 4\n100006 100006 4\n");
    }

    @Test
    void rootAndMembership() {
        assertThat(BindIdmap.rootOf("0 100000 65536\n")).isEqualTo(100000);
        assertThat(BindIdmap.rootOf("1001 1001 1\n")).isEqualTo(-1);
        assertThat(BindIdmap.maps("0 1001 1\n1 100000 65536\n", 100500)).isTrue();
        assertThat(BindIdmap.maps("0 1001 1\n", 0)).isFalse();
    }
}
