package dev.interpose.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HookPipelineTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** What an in-process hook does when run. */
    private interface Body {
        HookResult run(JsonNode input) throws Exception;
    }

    /** An in-process hook at USER_PROMPT_SUBMIT that runs {@code body}. */
    private static Hook hook(String name, int order, Duration timeout, boolean failClosed, boolean fromClaudeSettings,
            Body body) {
        return new Hook() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<HookEvent> events() {
                return Set.of(HookEvent.USER_PROMPT_SUBMIT);
            }

            @Override
            public int order() {
                return order;
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public boolean failClosed() {
                return failClosed;
            }

            @Override
            public boolean runsFor(boolean claudeCode) {
                return !(claudeCode && fromClaudeSettings);
            }

            @Override
            public HookResult run(JsonNode input) throws Exception {
                return body.run(input);
            }
        };
    }

    /** The interface's default timeout: no test waits for it, however slow the machine. */
    private static final Duration LONG = Duration.ofSeconds(60);

    /** A hook with the interface's defaults (order 100, 60 s, failing open) that runs {@code body}. */
    private static Hook hook(String name, Body body) {
        return hook(name, 100, LONG, false, false, body);
    }

    /** A hook answering {@code result} at once. */
    private static Hook hook(String name, int order, HookResult result) {
        return hook(name, order, LONG, false, false, input -> result);
    }

    /**
     * A hook answering {@code result} once all the hooks sharing {@code started} have started; if they do not
     * within 10 s (as when hooks run one after another) it answers an error instead.
     */
    private static Hook withTheOthers(String name, int order, HookResult result, CountDownLatch started) {
        return hook(name, order, LONG, false, false, input -> {
            started.countDown();
            return started.await(10, TimeUnit.SECONDS) ? result : HookResult.error("the others never started");
        });
    }

    private Verdict run(HookPipeline pipeline, boolean claudeCode, List<HookRun> runs) {
        ConcurrentLinkedQueue<HookRun> seen = new ConcurrentLinkedQueue<>();
        Verdict verdict = pipeline.run(HookEvent.USER_PROMPT_SUBMIT, null, claudeCode,
                JsonNodeFactory.instance.objectNode(), seen::add).join();
        runs.addAll(seen);
        return verdict;
    }

    @Test
    void hooksRunInParallelAndMergeInOrderThenName() {
        CountDownLatch allStarted = new CountDownLatch(3); // each waits for the others: only parallel runs pass
        HookPipeline pipeline = new HookPipeline(List.of(
                withTheOthers("b-context", 10, HookResult.context("second"), allStarted),
                withTheOthers("a-context", 10, new HookResult(HookResult.Decision.CONTINUE, null, "first", "prompt A",
                        null), allStarted),
                withTheOthers("late", 50, new HookResult(HookResult.Decision.CONTINUE, null, "third", "prompt B", null),
                        allStarted)), executor);
        List<HookRun> runs = new ArrayList<>();
        Verdict verdict = run(pipeline, false, runs);
        assertThat(verdict.blocked()).isFalse();
        assertThat(verdict.contexts()).containsExactly("first", "second", "third");
        assertThat(verdict.prompt()).isEqualTo("prompt A");
        assertThat(runs).extracting(HookRun::outcome).containsExactlyInAnyOrder("rewrite", "context", "rewrite");
    }

    @Test
    void theFirstBlockInOrderWinsAndOnlyFailClosedErrorsBlock() {
        HookPipeline pipeline = new HookPipeline(List.of(hook("z", 1, HookResult.block("z says no")),
                hook("a", 5, HookResult.block("a says no")), hook("ctx", 0, HookResult.context("kept"))), executor);
        Verdict verdict = run(pipeline, false, new ArrayList<>());
        assertThat(verdict.blockedBy()).isEqualTo("z");
        assertThat(verdict.reason()).isEqualTo("z says no");

        HookPipeline open = new HookPipeline(List.of(hook("broken", 1, HookResult.error("exit 1"))), executor);
        assertThat(run(open, false, new ArrayList<>()).blocked()).isFalse();
        HookPipeline closed = new HookPipeline(List.of(hook("broken", 1, LONG, true, false,
                input -> HookResult.error("exit 1"))), executor);
        assertThat(run(closed, false, new ArrayList<>()).reason()).isEqualTo("hook broken failed: exit 1");
    }

    @Test
    void aHookThatIgnoresItsTimeoutIsCountedAsTimedOutAndThrowingIsAnError() {
        CountDownLatch never = new CountDownLatch(1);
        Hook stuck = hook("stuck", 1, Duration.ofMillis(200), false, false, input -> {
            never.await(5, TimeUnit.SECONDS); // past its 200 ms, and its grace of 2 s
            return HookResult.CONTINUE;
        });
        Hook thrower = hook("thrower", input -> {
            throw new IllegalStateException("bug");
        });
        List<HookRun> runs = new ArrayList<>();
        Verdict verdict = run(new HookPipeline(List.of(stuck, thrower), executor), false, runs);
        assertThat(verdict).isEqualTo(Verdict.NONE);
        assertThat(runs).extracting(r -> r.hook() + " " + r.outcome() + " " + r.detail()).containsExactlyInAnyOrder(
                "stuck timeout timed out after 200ms", "thrower error IllegalStateException: bug");
    }

    @Test
    void anErrorThrownByAFailClosedHookBlocksInsteadOfLettingTheEventThrough() {
        Hook asserting = hook("asserting", 100, Duration.ofSeconds(60), true, false, input -> {
            throw new AssertionError("invariant broken");
        });
        Verdict verdict = run(new HookPipeline(List.of(asserting), executor), false, new ArrayList<>());
        assertThat(verdict.blockedBy()).isEqualTo("asserting");
        assertThat(verdict.reason()).isEqualTo("hook asserting failed: AssertionError: invariant broken");
    }

    @Test
    void claudeSettingsHooksDoNotRunForClaudeCodeWhichRunsThemItself() {
        HookPipeline pipeline = new HookPipeline(List.of(hook("settings", 1, LONG, false, true,
                input -> HookResult.block("no"))), executor);
        assertThat(pipeline.has(HookEvent.USER_PROMPT_SUBMIT, true)).isFalse();
        assertThat(pipeline.has(HookEvent.USER_PROMPT_SUBMIT, false)).isTrue();
        assertThat(pipeline.has(HookEvent.PRE_REQUEST, false)).isFalse();
        assertThat(run(pipeline, true, new ArrayList<>()).blocked()).isFalse();
        assertThat(run(pipeline, false, new ArrayList<>()).blocked()).isTrue();
    }

    /** An in-process hook that edits the input it was given, then answers CONTINUE. */
    private static Hook editing(String name, CountDownLatch bothRunning, CountDownLatch edited, Duration timeout) {
        return hook(name, 100, timeout, false, false, input -> {
            bothRunning.countDown();
            bothRunning.await(5, TimeUnit.SECONDS);
            ((ObjectNode) input).put("prompt", "changed by " + name);
            ((ObjectNode) input.path("request")).putArray("messages");
            edited.countDown();
            return HookResult.CONTINUE;
        });
    }

    @Test
    void hooksRunningInParallelNeverSeeEachOthersEditsNorTouchTheCallersInput() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch edited = new CountDownLatch(2);
        Map<String, String> seen = new ConcurrentHashMap<>();
        Hook reader = hook("reader", input -> {
            bothRunning.countDown();
            bothRunning.await(5, TimeUnit.SECONDS);
            edited.await(5, TimeUnit.SECONDS); // the editor has changed its input by now
            seen.put("prompt", input.path("prompt").asText());
            seen.put("messages", Integer.toString(input.path("request").path("messages").size()));
            return HookResult.CONTINUE;
        });
        HookPipeline pipeline = new HookPipeline(List.of(editing("editor", bothRunning, edited, Duration.ofSeconds(5)),
                reader), executor);
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("prompt", "hi");
        input.putObject("request").putArray("messages").addObject().put("role", "user").put("content", "hi");
        edited.countDown(); // the reader only waits for the editor
        String before = input.toString();

        pipeline.run(HookEvent.USER_PROMPT_SUBMIT, null, false, input, r -> { }).get(10, TimeUnit.SECONDS);

        assertThat(seen).containsEntry("prompt", "hi").containsEntry("messages", "1");
        assertThat(input.toString()).isEqualTo(before);
    }

    @Test
    void aHookThatTimesOutAndEditsLaterLeavesTheCallersInputAlone() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch edited = new CountDownLatch(1);
        CountDownLatch late = new CountDownLatch(1);
        Hook slow = hook("slow", 100, Duration.ofMillis(50), false, false, input -> {
            running.countDown();
            late.await(10, TimeUnit.SECONDS); // released once the pipeline has given up on it
            ((ObjectNode) input).put("prompt", "too late");
            edited.countDown();
            return HookResult.CONTINUE;
        });
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("prompt", "hi");
        Verdict verdict = new HookPipeline(List.of(slow), executor)
                .run(HookEvent.USER_PROMPT_SUBMIT, null, false, input, r -> { }).get(10, TimeUnit.SECONDS);
        late.countDown();
        assertThat(edited.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(running.getCount()).isZero();
        assertThat(verdict.blocked()).isFalse();
        assertThat(input.path("prompt").asText()).isEqualTo("hi");
    }

    @Test
    void theCopiesAreMadeOnTheExecutorNotOnTheCallersThread() throws Exception {
        Set<String> copiedOn = ConcurrentHashMap.newKeySet();
        ObjectNode input = new ObjectNode(JsonNodeFactory.instance) {
            @Override
            public ObjectNode deepCopy() {
                copiedOn.add(Thread.currentThread().getName());
                return super.deepCopy();
            }
        };
        input.put("prompt", "hi");
        HookPipeline pipeline = new HookPipeline(List.of(hook("a", 1, HookResult.CONTINUE), hook("b", 2,
                HookResult.CONTINUE)), executor);

        pipeline.run(HookEvent.USER_PROMPT_SUBMIT, null, false, input, r -> { }).get(10, TimeUnit.SECONDS);

        assertThat(copiedOn).isNotEmpty().doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void aToolKnownBySeveralNamesRunsTheHooksThatMatchAnyOfThemOnce() throws Exception {
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        Hook bash = matching("bash-guard", "Bash", ran);
        Hook wire = matching("wire-guard", "exec_command", ran);
        Hook edits = matching("edit-guard", "Edit", ran);
        HookPipeline pipeline = new HookPipeline(List.of(bash, wire, edits), executor);

        assertThat(pipeline.hasAny(HookEvent.PRE_TOOL_USE, List.of("Bash", "exec_command"), false)).isTrue();
        assertThat(pipeline.hasAny(HookEvent.PRE_TOOL_USE, List.of("Write", "apply_patch"), false)).isFalse();
        Verdict verdict = pipeline.runAny(HookEvent.PRE_TOOL_USE, List.of("Bash", "exec_command"), false,
                JsonNodeFactory.instance.objectNode(), r -> { }).get(5, TimeUnit.SECONDS);

        assertThat(verdict.blocked()).isTrue();
        assertThat(verdict.blockedBy()).isEqualTo("bash-guard");
        assertThat(ran).containsExactlyInAnyOrder("bash-guard", "wire-guard");
    }

    /** A PreToolUse hook on the tools {@code matcher} names, which blocks and notes that it ran. */
    private static Hook matching(String name, String matcher, List<String> ran) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(matcher);
        return new Hook() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<HookEvent> events() {
                return Set.of(HookEvent.PRE_TOOL_USE);
            }

            @Override
            public boolean matches(HookEvent event, String toolName) {
                return toolName != null && pattern.matcher(toolName).matches();
            }

            @Override
            public HookResult run(JsonNode input) {
                ran.add(name);
                return HookResult.block("no " + name);
            }
        };
    }
}
