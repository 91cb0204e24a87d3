package dev.jns.examples.cli;

import dev.jns.NamespaceType;
import dev.jns.inspect.NamespaceInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jns lsns -J}: util-linux's JSON layout, escaping, held namespaces, trees; host-independent rows. */
class LsnsFormatTest {
    private static NamespaceInfo row(NamespaceType t, long inode, long pid, String command) {
        return new NamespaceInfo(t, inode, pid == 0 ? 0 : 1, pid, 1, 0, "root", command,
                pid == 0 ? Optional.of(Path.of("/run/netns/a")) : Optional.empty(), OptionalLong.empty(),
                OptionalLong.empty());
    }

    @Test
    void rowsComeInLsnsLayoutWithNullsForHeldNamespacesAndEscapedText() {
        String json = LsnsFormat.json(List.of(row(NamespaceType.UTS, 4026531838L, 42, "sh -c \"echo\thi\"\n"),
                row(NamespaceType.NET, 4026532000L, 0, null)), r -> List.of());
        assertThat(json).isEqualTo("""
                {
                   "namespaces": [
                      {
                         "ns": 4026531838,
                         "type": "uts",
                         "nprocs": 1,
                         "pid": 42,
                         "user": "root",
                         "command": "sh -c \\"echo\\thi\\"\\n"
                      },
                      {
                         "ns": 4026532000,
                         "type": "net",
                         "nprocs": 0,
                         "pid": null,
                         "user": null,
                         "command": null
                      }
                   ]
                }""");
    }

    @Test
    void aTreeNestsChildrenUnderTheirOwner() {
        NamespaceInfo user = row(NamespaceType.USER, 1, 10, "a");
        NamespaceInfo net = row(NamespaceType.NET, 2, 11, "b");
        String json = LsnsFormat.json(List.of(user), r -> Map.of(user, List.of(net)).getOrDefault(r, List.of()));
        assertThat(json.replaceAll("\\s+", "")).isEqualTo("{\"namespaces\":[{\"ns\":1,\"type\":\"user\",\"nprocs\":1,"
                + "\"pid\":10,\"user\":\"root\",\"command\":\"a\",\"children\":[{\"ns\":2,\"type\":\"net\",\"nprocs\":1,"
                + "\"pid\":11,\"user\":\"root\",\"command\":\"b\"}]}]}");
    }

    @Test
    void netColumnsComeBeforeCommandWithFurtherNsfsMountsOnLinesOfTheirOwn() {
        java.io.StringWriter w = new java.io.StringWriter();
        NamespaceInfo host = row(NamespaceType.NET, 4026531833L, 2, "kthreadd");
        NamespaceInfo named = row(NamespaceType.NET, 4026532177L, 12794, "sleep 100");
        Map<NamespaceInfo, LsnsFormat.Net> nets = Map.of(
                host, new LsnsFormat.Net("unassigned", List.of()),
                named, new LsnsFormat.Net("7", List.of("/run/netns/a", "/run/netns/b")));
        LsnsFormat.table(new java.io.PrintWriter(w, true), List.of(host, named), false, List.of(), nets::get);
        assertThat(w.toString()).isEqualTo(String.join("\n",
                "        NS TYPE NPROCS   PID USER    NETNSID NSFS         COMMAND",
                "4026531833 net       1     2 root unassigned              kthreadd",
                "4026532177 net       1 12794 root          7 /run/netns/a sleep 100",
                "                                             /run/netns/b",
                ""));
        // without -t net: no such columns, and TYPE as wide as its widest value
        java.io.StringWriter plain = new java.io.StringWriter();
        LsnsFormat.table(new java.io.PrintWriter(plain, true), List.of(host), false, List.of());
        assertThat(plain.toString()).isEqualTo("        NS TYPE NPROCS PID USER COMMAND\n4026531833 net       1   2 root kthreadd\n");
    }

    @Test
    void nsfsMountsComeFromMountinfoByTheNamespaceTheyHold() throws Exception {
        Path f = java.nio.file.Files.createTempFile("mountinfo", "");
        try {
            java.nio.file.Files.writeString(f, String.join("\n",
                    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                    "600 25 0:4 net:[4026532177] /run/netns/a rw shared:300 - nsfs nsfs rw",
                    "601 25 0:4 net:[4026532177] /run/netns/my\\040b rw shared:300 - nsfs nsfs rw",
                    "602 600 0:4 net:[4026532177] /run/netns/a rw shared:300 - nsfs nsfs rw",
                    "603 25 0:4 uts:[4026532178] /tmp/kept rw - nsfs nsfs rw",
                    ""));
            Map<String, java.util.Set<String>> m = LsnsCommand.nsfsMounts(f);
            assertThat(m).containsOnlyKeys("net:[4026532177]", "uts:[4026532178]");
            assertThat(m.get("net:[4026532177]")).containsExactly("/run/netns/a", "/run/netns/my b");
            assertThat(m.get("uts:[4026532178]")).containsExactly("/tmp/kept");
        } finally {
            java.nio.file.Files.delete(f);
        }
    }
}
