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
}
