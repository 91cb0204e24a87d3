package dev.jns.linux;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.inspect.NamespaceInfo;
import dev.jns.inspect.NamespaceTree;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.linux.testing.Warm;

import org.junit.jupiter.api.BeforeAll;
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

/** list() against lsns (as root). */
class ListTest {
    @BeforeAll
    static void warm() {
        Warm.up();
    }

    /** One row of {@code lsns -J}: the fields compared. */
    record Row(long ns, String type, int nprocs, long pid, long ppid, String user, String command) {
    }

    /** A tiny reader of lsns's flat JSON (one object per namespace, scalar values only). */
    static Map<String, Row> lsns() {
        SpawnResult r = Namespaces.spawn().run("lsns", "-J", "-o", "NS,TYPE,NPROCS,PID,PPID,USER,COMMAND");
        assertThat(r.success()).as(r.stderr()).isTrue();
        Map<String, Row> rows = new HashMap<>();
        Matcher obj = Pattern.compile("\\{([^{}]*)\\}").matcher(r.stdout());
        while (obj.find()) {
            Map<String, String> f = new HashMap<>();
            Matcher kv = Pattern.compile("\"(\\w+)\":\\s*(\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"|[-0-9]+|null)").matcher(obj.group(1));
            while (kv.find()) {
                f.put(kv.group(1), kv.group(3) != null ? kv.group(3).replace("\\\"", "\"").replace("\\\\", "\\") : kv.group(2));
            }
            if (!f.containsKey("ns")) {
                continue;
            }
            Row row = new Row(Long.parseLong(f.get("ns")), f.get("type"), Integer.parseInt(f.get("nprocs")),
                    num(f.get("pid")), num(f.get("ppid")), f.get("user"), f.get("command"));
            rows.put(row.type() + ":" + row.ns(), row);
        }
        return rows;
    }

    /** The lowest pid lsns lists, or -1. */
    private static long oldest(Map<String, Row> rows) {
        return rows.values().stream().mapToLong(Row::pid).filter(p -> p > 0).min().orElse(-1);
    }

    private static long num(String s) {
        return s == null || s.equals("null") ? 0 : Long.parseLong(s);
    }

    @Test
    void rowsMatchLsnsForTheNamespacesOfProcessesTheTestStarted() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lsns")) || Files.isExecutable(Path.of("/bin/lsns")),
                "util-linux's lsns is not installed");
        LeakCheck leaks = LeakCheck.start();
        try (NsProcess a = Namespaces.spawn().newUser().mapRootUser().newNet().newUts().newIpc().start("sleep", "60");
             NsProcess b = Namespaces.spawn().newNet().newUts().start("sleep", "61")) {
            // lsns before and after jns's listing, until both name the same oldest process: as a user without root,
            // the lowest pid either can see may be a process of an earlier test that ends between the snapshots
            // (an orphaned launcher on its way out), where root's is PID 1
            List<NamespaceInfo> ours;
            Map<String, Row> theirs;
            int attempts = 0;
            do {
                theirs = lsns();
                ours = Namespaces.list();
            } while (oldest(theirs) != oldest(lsns()) && ++attempts < 10);
            int compared = 0;
            for (NsProcess p : List.of(a, b)) {
                for (NamespaceType t : List.of(NamespaceType.NET, NamespaceType.UTS)) {
                    long inode;
                    try (NsHandle h = p.namespace(t)) {
                        inode = h.inode();
                    }
                    NamespaceInfo mine = ours.stream().filter(i -> i.type() == t && i.inode() == inode).findFirst().orElseThrow();
                    Row row = theirs.get(t.procName() + ":" + inode);
                    assertThat(row).as("lsns row of %s:[%d]", t.procName(), inode).isNotNull();
                    assertThat(mine.processes()).isEqualTo(row.nprocs()).isEqualTo(1);
                    assertThat(mine.pid()).isEqualTo(row.pid()).isEqualTo(p.pid());
                    assertThat(mine.ppid()).isEqualTo(row.ppid());
                    assertThat(mine.user()).isEqualTo(row.user());
                    assertThat(mine.command()).isEqualTo(row.command()).startsWith("sleep 6");
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(4);
            // the namespaces of the host's oldest process (the lowest pid lsns lists: PID 1, or 2 in some
            // containers): that process outlives this test, so both listings must agree on its rows, whatever
            // else comes and goes on the host between the two snapshots
            long oldest = oldest(theirs);
            int host = 0;
            for (Row row : theirs.values()) {
                if (row.pid() != oldest || oldest <= 0) {
                    continue;
                }
                NamespaceInfo mine = ours.stream().filter(i -> i.type().procName().equals(row.type())
                        && i.inode() == row.ns()).findFirst().orElse(null);
                assertThat(mine).as("lsns row %s", row).isNotNull();
                assertThat(mine.pid()).as("lowest pid of %s", row).isEqualTo(oldest);
                assertThat(mine.user()).isEqualTo(row.user());
                assertThat(mine.command()).isEqualTo(row.command());
                host++;
            }
            assertThat(host).as("rows of the oldest process's namespaces").isPositive();
        }
        leaks.assertNoLeaks();
    }

    @Test
    void filtersAndTrees() throws Exception {
        LeakCheck leaks = LeakCheck.start();
        try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newNet().newPid().start("sleep", "60");
             NsHandle user = p.namespace(NamespaceType.USER);
             NsHandle net = p.namespace(NamespaceType.NET);
             NsHandle pid = p.namespace(NamespaceType.PID);
             NsHandle initialUser = Namespaces.current(NamespaceType.USER)) {
            assertThat(Namespaces.list(NamespaceType.NET)).allMatch(i -> i.type() == NamespaceType.NET)
                    .anyMatch(i -> i.inode() == net.inode());
            List<NamespaceInfo> ofPid = Namespaces.listOf(p.pid());
            assertThat(ofPid).extracting(NamespaceInfo::inode).contains(user.inode(), net.inode(), pid.inode());
            NamespaceTree tree = Namespaces.tree();
            NamespaceInfo u = tree.find(NamespaceType.USER, user.inode()).orElseThrow();
            NamespaceInfo top = tree.find(NamespaceType.USER, initialUser.inode()).orElseThrow();
            assertThat(tree.parent(u)).contains(top);
            assertThat(tree.children(top)).contains(u);
            assertThat(tree.owned(u)).extracting(NamespaceInfo::inode).contains(net.inode(), pid.inode());
            NamespaceInfo n = tree.find(NamespaceType.NET, net.inode()).orElseThrow();
            assertThat(tree.owner(n)).contains(u);
            NamespaceInfo pi = tree.find(NamespaceType.PID, pid.inode()).orElseThrow();
            assertThat(tree.parent(pi)).isPresent();
            assertThat(tree.roots(NamespaceType.USER)).contains(top);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void aNamespaceHeldOnlyByAnFdIsListedWithItsPath() {
        LeakCheck leaks = LeakCheck.start();
        try (NsHandle uts = Namespaces.create(NamespaceType.UTS).get(0)) {
            NamespaceInfo i = Namespaces.list(NamespaceType.UTS).stream().filter(x -> x.inode() == uts.inode())
                    .findFirst().orElseThrow();
            assertThat(i.processes()).isZero();
            assertThat(i.pid()).isZero();
            assertThat(i.path()).isPresent();
            assertThat(i.path().get().toString()).startsWith("/proc/" + ProcessHandle.current().pid() + "/fd/");
            assertThat(i.owner()).isPresent();
        }
        leaks.assertNoLeaks();
    }
}
