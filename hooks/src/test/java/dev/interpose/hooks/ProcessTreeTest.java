package dev.interpose.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookEvent;
import dev.interpose.config.HookHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hook processes that try to outlive their timeout, as real process trees: a double-forked grandchild, a
 * child in a session of its own, both holding stdout. The run returns at the deadline and nothing of the
 * tree survives (each test's {@code sleep} carries a unique duration, found by its command line); reader
 * threads do not pile up; the process limit holds.
 */
@Timeout(120)
class ProcessTreeTest {
    private final ExecutorService io = Executors.newCachedThreadPool();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        io.shutdownNow();
        callers.shutdownNow();
    }

    /** Longest a run with a 1 s timeout may take, far below the 30 s its script would otherwise sleep. */
    private static final long KILLED_WITHIN = 10_000;

    /** A sleep duration no other process on the machine has: {@code 60.<random>}. */
    private static String marker() {
        return "60." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    }

    private static List<ProcessHandle> alive(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).toList();
    }

    private static void assertNoneAlive(String marker) {
        Awaitility.await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(alive(marker)).isEmpty());
    }

    private ScriptHook hook(String name, ProcessLimit limit, String... lines) throws Exception {
        Path file = Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new ScriptHook(HookHeader.parse(file), dir, io, limit);
    }

    private static ObjectNode prompt() {
        return JsonNodeFactory.instance.objectNode().put("hook_event_name", "UserPromptSubmit").put("prompt", "x");
    }

    /**
     * Runs a hook with a 1 s timeout whose script is {@code body} ({@code %s} in it stands for a fresh
     * {@link #marker}), which must end well before what it would wait for if nothing were killed (a
     * {@code sleep 30}, or a grandchild that never stops): {@link #KILLED_WITHIN} leaves a loaded two-core
     * machine room enough. Then nothing of its process tree may be left.
     */
    private HookResult runPastItsTimeout(String name, String... body) throws Exception {
        String marker = marker();
        List<String> lines = new ArrayList<>(List.of("#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "# interpose-timeout: 1s"));
        for (String line : body) {
            lines.add(line.replace("%s", marker));
        }
        assertThat(lines).as("the tree is found by its marker").anyMatch(line -> line.contains(marker));
        ScriptHook hook = hook(name, new ProcessLimit(4), lines.toArray(String[]::new));
        long start = System.nanoTime();
        HookResult result = hook.run(prompt());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(KILLED_WITHIN);
        assertNoneAlive(marker);
        return result;
    }

    /**
     * What a run ends with when the hook exits but leaves a grandchild writing to its stdout. When the reader is
     * already blocked on the pipe as the hook exits, the run waits for the pipe to close until the deadline and
     * then kills the tree. When the JDK's reaper got there first (a loaded machine: the reader thread had not
     * started), it drained and closed our end of the pipe at the exit, the run ended cleanly, and the grandchild
     * dies of SIGPIPE at its next write. Either way nothing of the tree outlives the deadline.
     */
    private static void assertKilledOrEndedCleanly(HookResult result) {
        if (result.decision() == HookResult.Decision.ERROR) {
            assertThat(result.reason()).isEqualTo("exited but a child process kept its output open; killed");
        } else {
            assertThat(result.decision()).isEqualTo(HookResult.Decision.CONTINUE);
        }
    }

    /** Runs the hook on a caller thread; an exception it throws becomes an error result. */
    private CompletableFuture<HookResult> runAsync(ScriptHook hook) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return hook.run(prompt());
            } catch (Exception e) {
                return HookResult.error(e.toString());
            }
        }, callers);
    }

    private static final HookResult TIMED_OUT = HookResult.error("timed out after 1000ms; process tree killed");

    @Test
    void aDoubleForkedGrandchildHoldingStdoutIsKilledAtTheTimeout() throws Exception {
        assertThat(runPastItsTimeout("fork.sh", "( sleep %s & )", "echo started", "sleep 30")).isEqualTo(TIMED_OUT);
    }

    @Test
    void aGrandchildLeftHoldingStdoutAfterTheHookExitsIsKilledAtTheDeadline() throws Exception {
        assertKilledOrEndedCleanly(runPastItsTimeout("leave.sh", "( sh -c 'while :; do echo; sleep 0.1; done' %s & )",
                "exit 0"));
    }

    @Test
    void aChildInASessionOfItsOwnHoldingStdoutIsKilledAtTheTimeout() throws Exception {
        assertThat(runPastItsTimeout("setsid.sh", "setsid sleep %s &", "sleep 30")).isEqualTo(TIMED_OUT);
    }

    @Test
    void anOrphanInASessionOfItsOwnHoldingStdoutIsFoundByItsPipe() throws Exception {
        // setsid forks when its caller leads a process group: the sleep is then no descendant at all. Found by
        // its pipe and killed, or (as above) the run ended cleanly and the writing orphan dies of SIGPIPE.
        assertKilledOrEndedCleanly(runPastItsTimeout("escape.sh",
                "( setsid sh -c 'while :; do echo; sleep 0.1; done' %s & )", "exit 0"));
    }

    @Test
    void fiftyTimedOutRunsLeaveNoThreadAndNoProcessBehind() throws Exception {
        String marker = marker();
        ScriptHook hook = hook("many.sh", new ProcessLimit(50), "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "# interpose-timeout: 1s", "( sleep " + marker + " & )", "setsid sleep " + marker + " &", "sleep 30");
        int baseline = Thread.activeCount();
        List<CompletableFuture<HookResult>> runs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            runs.add(runAsync(hook));
        }
        for (CompletableFuture<HookResult> run : runs) {
            assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(TIMED_OUT);
        }
        assertNoneAlive(marker);
        io.shutdown();
        callers.shutdown();
        // Every reader and feeder ended: none is left blocked on a pipe that a survivor holds.
        assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(callers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(Thread.activeCount()).isLessThanOrEqualTo(baseline + 5));
    }

    @Test
    void noMoreProcessesRunAtOnceThanTheLimit() throws Exception {
        ScriptHook hook = hook("span.sh", new ProcessLimit(2), "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "# interpose-timeout: 10s", "s=$(date +%s%N)", "sleep 0.3", "echo \"$s $(date +%s%N)\" > out.$$");
        List<CompletableFuture<HookResult>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            runs.add(runAsync(hook));
        }
        for (CompletableFuture<HookResult> run : runs) {
            assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(HookResult.CONTINUE);
        }
        List<long[]> spans = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("out.")).toList()) {
                String[] parts = Files.readString(f).trim().split(" ");
                spans.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
            }
        }
        assertThat(spans).hasSize(6);
        int most = 0;
        for (long[] span : spans) {
            int overlapping = 0;
            for (long[] other : spans) {
                if (other[0] <= span[0] && span[0] < other[1]) {
                    overlapping++;
                }
            }
            most = Math.max(most, overlapping);
        }
        assertThat(most).isEqualTo(2);
    }

    @Test
    void aRunThatCannotGetASlotInTimeIsAnErrorThatBlocksWhenFailClosedAndIsLoggedSkippedWhenFailOpen()
            throws Exception {
        ProcessLimit one = new ProcessLimit(1);
        // The occupier holds the only slot until the test lets it go, so the others' 500 ms cannot outlast it.
        ScriptHook occupier = hook("occupy.sh", one, "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "# interpose-timeout: 20s", "touch occupied", "while [ ! -e release ]; do sleep 0.05; done");
        ScriptHook closed = hook("closed.sh", one, "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "# interpose-timeout: 500ms", "# interpose-fail: closed", "exit 0");
        ScriptHook open = hook("open.sh", one, "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "# interpose-timeout: 500ms", "exit 0");
        CompletableFuture<HookResult> busy = runAsync(occupier);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("occupied")));
        ConcurrentLinkedQueue<HookRun> logged = new ConcurrentLinkedQueue<>();
        Verdict verdict = new HookPipeline(List.of(closed, open), callers)
                .run(HookEvent.USER_PROMPT_SUBMIT, null, false, prompt(), logged::add).get(10, TimeUnit.SECONDS);
        String notStarted = "not started within its timeout of 500ms: 1 hook processes were already running (the limit)";
        assertThat(verdict.blocked()).isTrue();
        assertThat(verdict.reason()).isEqualTo("hook closed.sh failed: " + notStarted);
        assertThat(logged).extracting(r -> r.hook() + " " + r.outcome() + " skipped=" + r.skipped() + " " + r.detail())
                .containsExactlyInAnyOrder("closed.sh error skipped=false " + notStarted,
                        "open.sh error skipped=true " + notStarted);
        Files.createFile(dir.resolve("release"));
        assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo(HookResult.CONTINUE);
        assertThat(open.run(prompt())).isEqualTo(HookResult.CONTINUE); // the slot came back
    }
}
