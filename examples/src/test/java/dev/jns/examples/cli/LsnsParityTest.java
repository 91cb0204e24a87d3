package dev.jns.examples.cli;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.net.NetNs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code jns lsns -J} rows against util-linux's {@code lsns -J} rows taken at the same moment. */
class LsnsParityTest {
    /** The fields both print by default. */
    record Row(long ns, String type, int nprocs, String pid, String user, String command) {
    }

    static Map<String, Row> rows(String json) {
        Map<String, Row> rows = new HashMap<>();
        for (Map<String, String> f : objects(json).values()) {
            Row r = new Row(Long.parseLong(f.get("ns")), f.get("type"), Integer.parseInt(f.get("nprocs")),
                    f.get("pid"), f.get("user"), f.get("command"));
            rows.put(r.type() + ":" + r.ns(), r);
        }
        return rows;
    }

    /**
     * Every object of a JSON text that has an "ns" field, as its fields (strings, numbers and null as text). The
     * string pattern takes runs of plain characters at once ([^"\\]++): per character, a long command line (a
     * JVM's classpath) overflowed the regex engine's stack.
     */
    static Map<Long, Map<String, String>> objects(String json) {
        Map<Long, Map<String, String>> out = new HashMap<>();
        Matcher obj = Pattern.compile("\\{([^{}]*)\\}").matcher(json);
        while (obj.find()) {
            Map<String, String> f = new HashMap<>();
            Matcher kv = Pattern.compile("\"(\\w+)\":\\s*(\"((?:[^\"\\\\]++|\\\\.)*+)\"|[-0-9]+|null)").matcher(obj.group(1));
            while (kv.find()) {
                f.put(kv.group(1), kv.group(3) != null ? kv.group(3) : kv.group(2));
            }
            if (f.containsKey("ns")) {
                out.put(Long.parseLong(f.get("ns")), f);
            }
        }
        return out;
    }

    @Test
    void netRowsHaveLsnssNetnsidAndNsfs() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lsns")), "util-linux's lsns is not installed");
        assumeTrue(Cli.exec("id", "-u").out().strip().equals("0"), "a named netns (/run/netns) needs root");
        assumeTrue(Cli.exec("ip", "netns", "help").code() != 127, "iproute2's ip (to set a netns id) is not installed");
        String name = "jns-lsns-parity";
        try (NsHandle net = NetNs.create(name);
             NsProcess p = Namespaces.spawn().join(net).start("sleep", "60")) {
            Cli.Result set = Cli.exec("ip", "netns", "set", name, "42");
            assertThat(set.code()).as(set.err()).isZero();
            Cli.Result u = Cli.exec("lsns", "-J", "-t", "net");
            Cli.Result j = Cli.jns("lsns", "-J", "-t", "net");
            assertThat(j.code()).as(j.err()).isZero();
            Map<String, String> theirs = objects(u.out()).get(net.inode());
            Map<String, String> ours = objects(j.out()).get(net.inode());
            assertThat(theirs).as(u.out()).containsEntry("netnsid", "42").containsEntry("nsfs", "/run/netns/" + name);
            assertThat(ours).isEqualTo(theirs);
            try (NsHandle mine = Namespaces.current(NamespaceType.NET)) {
                // the host's own: no id in itself, no nsfs mount
                Map<String, String> t = objects(u.out()).get(mine.inode());
                Map<String, String> o = objects(j.out()).get(mine.inode());
                assertThat(o.get("netnsid")).isEqualTo(t.get("netnsid")).isEqualTo("unassigned");
                assertThat(o.get("nsfs")).isEqualTo(t.get("nsfs")).isEqualTo("null");
            }
            // the table: the same headings, and the same row for the named namespace
            List<String> ut = Cli.exec("lsns", "-t", "net").out().lines().toList();
            List<String> jt = Cli.jns("lsns", "-t", "net").out().lines().toList();
            assertThat(jt.get(0).strip().split(" +")).containsExactly(ut.get(0).strip().split(" +"));
            assertThat(jt.get(0).strip().split(" +")).containsExactly("NS", "TYPE", "NPROCS", "PID", "USER", "NETNSID",
                    "NSFS", "COMMAND");
            String ns = Long.toString(net.inode());
            assertThat(jt.stream().filter(l -> l.strip().startsWith(ns + " ")).map(l -> l.strip().split(" +")))
                    .singleElement().isEqualTo(ut.stream().filter(l -> l.strip().startsWith(ns + " "))
                            .map(l -> l.strip().split(" +")).findFirst().orElseThrow());
        } finally { // closing p ends its sleep
            NetNs.unpersist(name);
        }
    }

    @Test
    void rowsEqualLsnsRows() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lsns")), "util-linux's lsns is not installed");
        try (NsProcess a = Namespaces.spawn().newUts().newIpc().newNet().start("sleep", "60");
             NsProcess b = Namespaces.spawn().newUts().start("sleep", "61")) {
            Map<String, Row> ours = Map.of();
            Map<String, Row> theirs = Map.of();
            // "the same moment": take both until two consecutive pairs agree on the set of namespaces
            for (int attempt = 0; attempt < 5; attempt++) {
                Cli.Result j = Cli.jns("lsns", "-J");
                Cli.Result u = Cli.exec("lsns", "-J");
                assertThat(j.code()).as(j.err()).isZero();
                assertThat(u.code()).as(u.err()).isZero();
                ours = rows(j.out());
                theirs = rows(u.out());
                if (ours.keySet().equals(theirs.keySet())) {
                    break;
                }
            }
            // the namespaces of the host's oldest process (its lowest pid cannot change between the two reads) and
            // ours are in both, equal; rows of other processes come and go while the two listings are taken
            int compared = 0;
            String oldest = theirs.values().stream().map(Row::pid).filter(p -> p != null && p.matches("[0-9]+"))
                    .min(java.util.Comparator.comparingLong(Long::parseLong)).orElse("");
            for (Row t : theirs.values()) {
                if (oldest.equals(t.pid())) {
                    Row o = ours.get(t.type() + ":" + t.ns());
                    assertThat(o).as("jns lsns row of %s", t).isNotNull();
                    // all but NPROCS exactly; NPROCS of namespaces the whole machine shares moves between the two
                    // reads (lsns counts itself, and other processes come and go)
                    assertThat(new Row(o.ns(), o.type(), t.nprocs(), o.pid(), o.user(), o.command())).isEqualTo(t);
                    compared++;
                }
            }
            for (NsProcess p : List.of(a, b)) {
                try (NsHandle uts = p.namespace(NamespaceType.UTS)) {
                    Row t = theirs.get("uts:" + uts.inode());
                    assertThat(t).isNotNull();
                    assertThat(ours.get("uts:" + uts.inode())).isEqualTo(t);
                    assertThat(t.pid()).isEqualTo(Long.toString(p.pid()));
                    compared++;
                }
            }
            assertThat(compared).isGreaterThanOrEqualTo(2);
        }
    }
}
