package dev.jns.testkit.internal;

import dev.jns.InvalidSpecException;
import dev.jns.sandbox.Mount;
import dev.jns.sandbox.MountPlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the mount attributes of {@code @SandboxConfig} ({@code binds}, {@code roBinds}, {@code tmpfs}) into a
 * {@link MountPlan}, parents first, failing on a malformed entry with an {@link InvalidSpecException} whose
 * field names the attribute and the entry ({@code "@SandboxConfig.binds[1]"}).
 */
public final class ConfigMounts {
    private ConfigMounts() {
    }

    /**
     * The plan of these attributes: entries ordered by the depth of their destination (stable: at equal depth
     * binds, read-only binds, tmpfs, each in the order written).
     *
     * @throws InvalidSpecException for the first malformed entry
     */
    public static MountPlan plan(String[] binds, String[] roBinds, String[] tmpfs) {
        List<Mount> entries = new ArrayList<>();
        for (int i = 0; i < binds.length; i++) {
            entries.add(bind("binds", i, binds[i], false));
        }
        for (int i = 0; i < roBinds.length; i++) {
            entries.add(bind("roBinds", i, roBinds[i], true));
        }
        for (int i = 0; i < tmpfs.length; i++) {
            String field = field("tmpfs", i, tmpfs[i]);
            String dst = tmpfs[i] == null ? "" : tmpfs[i];
            check(field, new MountPlan().tmpfs(Path.of(checkAbsolute(field, dst, "an absolute path"))));
            entries.add(new MountPlan().tmpfs(Path.of(dst)).entries().get(0));
        }
        entries.sort(Comparator.comparingInt(m -> depth(m.destination())));
        MountPlan plan = new MountPlan();
        entries.forEach(plan::add);
        return plan;
    }

    private static Mount bind(String attribute, int i, String entry, boolean readOnly) {
        String field = field(attribute, i, entry);
        String e = entry == null ? "" : entry;
        String src;
        String dst;
        int colon = e.indexOf(':');
        if (colon < 0) {
            src = e;
            dst = e;
        } else {
            if (e.indexOf(':', colon + 1) >= 0) {
                throw new InvalidSpecException(field, "has more than one ':'",
                        "write \"/host/source:/destination\" (paths with ':' need Sandbox.builder().mounts(new MountPlan().bind(..)))");
            }
            src = e.substring(0, colon);
            dst = e.substring(colon + 1);
        }
        String form = "\"/host/source:/destination\" (or \"/path\" to bind a path on itself)";
        checkAbsolute(field + " source", src, form);
        checkAbsolute(field + " destination", dst, form);
        MountPlan one = readOnly ? new MountPlan().roBind(Path.of(src), Path.of(dst))
                : new MountPlan().bind(Path.of(src), Path.of(dst));
        check(field, one);
        return one.entries().get(0);
    }

    private static String field(String attribute, int i, String entry) {
        return "@SandboxConfig." + attribute + "[" + i + "] '" + entry + "'";
    }

    private static String checkAbsolute(String field, String path, String form) {
        if (path.isEmpty()) {
            throw new InvalidSpecException(field, "is empty", "write " + form);
        }
        if (!path.startsWith("/")) {
            throw new InvalidSpecException(field, "'" + path + "' is not an absolute path", "write " + form);
        }
        return path;
    }

    /** The launcher's rules (normalized paths, no NUL, not "/"), reported under the attribute's name. */
    private static void check(String field, MountPlan one) {
        try {
            MountPlan.validate(one.entries());
        } catch (InvalidSpecException e) {
            String part = e.field().replaceFirst("^mounts\\[0\\] \\([^)]*\\)\\.?", "");
            throw new InvalidSpecException(field + (part.isEmpty() ? "" : " " + part), e.detail(), e.hint());
        }
    }

    private static int depth(String path) {
        int n = 0;
        for (String c : path.split("/")) {
            if (!c.isEmpty()) {
                n++;
            }
        }
        return n;
    }
}
