package dev.jns.testkit;

import dev.jns.testkit.fixtures.MountsFixtureBase;
import dev.jns.testkit.internal.ProcFs;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/** Prepares the directories {@link MountsFixtureBase} mounts, runs a mounts fixture and checks its outcome. */
final class MountLayout {
    private MountLayout() {
    }

    /** Makes the layout under {@code base} (emptied first), owned by {@code uid}/{@code gid} when not -1. */
    static void prepare(Path base, long uid, long gid) throws IOException {
        delete(base);
        for (String d : List.of("ro-src", "ro-dst", "rw-src", "rw-dst", "tmp-dst")) {
            Files.createDirectories(base.resolve(d));
        }
        Files.writeString(base.resolve("ro-src/file"), "read me\n");
        Files.writeString(base.resolve("tmp-dst/hidden"), "host\n");
        if (uid >= 0) {
            try (Stream<Path> s = Files.walk(base)) {
                for (Path p : s.collect(Collectors.toList())) {
                    Files.setAttribute(p, "unix:uid", (int) uid);
                    Files.setAttribute(p, "unix:gid", (int) gid);
                }
            }
        }
    }

    static void delete(Path base) {
        Sandbox.deleteTree(base);
    }

    /** Runs {@code fixture} and checks: five tests pass, the two bad configurations fail naming the cause. */
    static void runAndCheck(Class<? extends MountsFixtureBase> fixture, Path base) {
        Map<String, String> mountsBefore = ProcFs.mounts();
        EngineExecutionResults r = EngineRuns.run(fixture);
        List<Event> failed = r.testEvents().failed().list();
        for (Event e : failed) {
            String name = e.getTestDescriptor().getDisplayName();
            if (!name.startsWith("badEntryFails") && !name.startsWith("missingDestinationFails")) {
                e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                        .ifPresent(Throwable::printStackTrace);
            }
        }
        r.testEvents().assertStatistics(s -> s.started(7).succeeded(5).failed(2));
        r.testEvents().assertThatEvents()
                .haveExactly(1, event(test("badEntryFails"), finishedWithFailure(message(m ->
                        m.contains("invalid @SandboxConfig.binds[1] 'relative/src:/mnt' source")
                                && m.contains("is not an absolute path")))))
                .haveExactly(1, event(test("missingDestinationFails"), finishedWithFailure(message(m ->
                        m.contains("/tmp/jns-testkit-mounts-no-such-dir/x") && m.contains("ENOENT")))));
        String missing = failed.stream().filter(e -> e.getTestDescriptor().getDisplayName().startsWith("missing"))
                .findFirst().orElseThrow().getPayload(TestExecutionResult.class).orElseThrow().getThrowable()
                .orElseThrow().getMessage();
        System.out.println("missing destination: " + missing);
        // nothing of the sandboxes' mounts is on the host (each test's leak check said so too)
        Map<String, String> after = ProcFs.mounts();
        assertThat(after.keySet()).as("host mounts after the fixture").isEqualTo(mountsBefore.keySet());
        assertThat(after.values()).noneMatch(m -> m.contains(base.toString()));
        assertThat(base.resolve("rw-src/out")).hasContent("from-sandbox");
        assertThat(base.resolve("tmp-dst")).isDirectoryContaining(p -> p.getFileName().toString().equals("hidden"));
        assertThat(base.resolve("tmp-dst/d")).doesNotExist();
    }
}
