package dev.jns.examples.cli;

import dev.jns.inspect.NamespaceInfo;
import dev.jns.inspect.NamespaceTree;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** {@code lsns --tree}: namespaces nested under their owner (user namespaces) or their parent. */
final class LsnsTree {
    private final NamespaceTree tree;
    private final List<NamespaceInfo> selected;
    private final boolean byOwner;
    private final String branch;
    private final String last;
    private final String through;

    /**
     * @param unicode box-drawing lines when the output can show them, else util-linux's ASCII ({@code |-},
     *                {@code `-}, {@code |}), as {@code lsns -T} prints under {@code LANG=C}
     */
    LsnsTree(NamespaceTree tree, List<NamespaceInfo> selected, boolean byOwner, boolean unicode) {
        this.tree = tree;
        this.selected = selected;
        this.byOwner = byOwner;
        this.branch = unicode ? "\u251c\u2500" : "|-";
        this.last = unicode ? "\u2514\u2500" : "`-";
        this.through = unicode ? "\u2502 " : "| ";
    }

    private Optional<NamespaceInfo> up(NamespaceInfo n) {
        return byOwner ? tree.owner(n).or(() -> n.type() == dev.jns.NamespaceType.USER ? tree.parent(n) : Optional.empty())
                : tree.parent(n);
    }

    private List<NamespaceInfo> below(NamespaceInfo n) {
        List<NamespaceInfo> out = new ArrayList<>();
        for (NamespaceInfo c : selected) {
            if (c != n && up(c).map(u -> u.type() == n.type() && u.inode() == n.inode()).orElse(false)) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingLong(NamespaceInfo::inode));
        return out;
    }

    private List<NamespaceInfo> roots() {
        List<NamespaceInfo> out = new ArrayList<>();
        for (NamespaceInfo n : selected) {
            Optional<NamespaceInfo> u = up(n);
            if (u.isEmpty() || selected.stream().noneMatch(s -> s.type() == u.get().type() && s.inode() == u.get().inode())) {
                out.add(n);
            }
        }
        return out;
    }

    void print(PrintWriter out, boolean json, boolean noHeadings) {
        if (json) {
            out.println(LsnsFormat.json(roots(), this::below));
            return;
        }
        List<NamespaceInfo> rows = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (NamespaceInfo r : roots()) {
            walk(r, "", "", rows, prefixes, 0);
        }
        LsnsFormat.table(out, rows, noHeadings, prefixes);
    }

    private void walk(NamespaceInfo n, String lead, String mark, List<NamespaceInfo> rows, List<String> prefixes, int depth) {
        rows.add(n);
        prefixes.add(lead + mark);
        if (depth > 32) {
            return; // the kernel nests user namespaces 32 deep at most
        }
        List<NamespaceInfo> kids = below(n);
        String next = lead + (mark.isEmpty() ? "" : mark.equals(last) ? "  " : through);
        for (int i = 0; i < kids.size(); i++) {
            walk(kids.get(i), next, i == kids.size() - 1 ? last : branch, rows, prefixes, depth + 1);
        }
    }
}
