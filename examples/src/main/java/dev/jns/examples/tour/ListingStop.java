package dev.jns.examples.tour;

import dev.jns.inspect.NamespaceInfo;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;

import java.util.List;
import java.util.Set;

/**
 * Listing: the walkthrough's {@code lsns -t uts} before and after {@code unshare -u}: a new row appears for the
 * new namespace, with its process; {@code Namespaces.list()} is the same view as lsns.
 */
public final class ListingStop implements TourStop {
    @Override
    public String title() {
        return "listing: the lsns view";
    }

    @Override
    public String shell() {
        return "lsns -t uts; unshare --uts --map-root-user sleep 60 & lsns -t uts";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.UTS);
    }

    @Override
    public void show(View v) throws Exception {
        List<NamespaceInfo> before = Namespaces.list(NamespaceType.UTS);
        try (NsProcess p = Namespaces.spawn().newUts().hostname("listed").start("sh", "-c", "read x");
             NsHandle uts = p.namespace(NamespaceType.UTS)) {
            List<NamespaceInfo> after = Namespaces.list(NamespaceType.UTS);
            v.row("uts namespaces", before.size() + " before the spawn",
                    after.size() + " after it, the sandbox's among them (other processes come and go meanwhile)");
            NamespaceInfo mine = after.stream().filter(i -> i.inode() == uts.inode()).findFirst().orElseThrow();
            try (NsHandle hostUts = Namespaces.current(NamespaceType.UTS)) {
                NamespaceInfo host = after.stream().filter(i -> i.inode() == hostUts.inode()).findFirst().orElseThrow();
                v.row("NS", host.inode(), mine.inode());
                v.row("NPROCS", host.processes(), mine.processes());
                v.row("PID", host.pid(), mine.pid() + " (= " + p.pid() + ", the sandbox)");
                v.row("COMMAND", host.command(), mine.command());
            }
            v.note("(jns lsns -t uts prints these rows as lsns does; jns lsns --tree nests them by owner)");
            p.getOutputStream().close();
            p.waitFor();
        }
    }
}
