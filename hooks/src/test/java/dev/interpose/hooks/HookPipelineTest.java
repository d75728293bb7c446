package dev.interpose.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.interpose.config.HookEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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

    /** An in-process hook answering {@code result}, after waiting on {@code gate} when given. */
    private static Hook hook(String name, int order, HookResult result, CountDownLatch gate, boolean failClosed,
            boolean fromClaudeSettings) {
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
                return Duration.ofMillis(200);
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
                if (gate != null) {
                    gate.countDown();
                    gate.await(5, TimeUnit.SECONDS);
                }
                return result;
            }
        };
    }

    private static Hook hook(String name, int order, HookResult result) {
        return hook(name, order, result, null, false, false);
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
                hook("b-context", 10, HookResult.context("second"), allStarted, false, false),
                hook("a-context", 10, new HookResult(HookResult.Decision.CONTINUE, null, "first", "prompt A", null),
                        allStarted, false, false),
                hook("late", 50, new HookResult(HookResult.Decision.CONTINUE, null, "third", "prompt B", null),
                        allStarted, false, false)), executor);
        List<HookRun> runs = new java.util.ArrayList<>();
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
        Verdict verdict = run(pipeline, false, new java.util.ArrayList<>());
        assertThat(verdict.blockedBy()).isEqualTo("z");
        assertThat(verdict.reason()).isEqualTo("z says no");

        HookPipeline open = new HookPipeline(List.of(hook("broken", 1, HookResult.error("exit 1"))), executor);
        assertThat(run(open, false, new java.util.ArrayList<>()).blocked()).isFalse();
        HookPipeline closed = new HookPipeline(List.of(hook("broken", 1, HookResult.error("exit 1"), null, true,
                false)), executor);
        assertThat(run(closed, false, new java.util.ArrayList<>()).reason()).isEqualTo("hook broken failed: exit 1");
    }

    @Test
    void aHookThatIgnoresItsTimeoutIsCountedAsTimedOutAndThrowingIsAnError() {
        Hook stuck = hook("stuck", 1, HookResult.CONTINUE, new CountDownLatch(2), false, false); // never released
        Hook thrower = new Hook() {
            @Override
            public String name() {
                return "thrower";
            }

            @Override
            public Set<HookEvent> events() {
                return Set.of(HookEvent.USER_PROMPT_SUBMIT);
            }

            @Override
            public HookResult run(JsonNode input) {
                throw new IllegalStateException("bug");
            }
        };
        List<HookRun> runs = new java.util.ArrayList<>();
        Verdict verdict = run(new HookPipeline(List.of(stuck, thrower), executor), false, runs);
        assertThat(verdict).isEqualTo(Verdict.NONE);
        assertThat(runs).extracting(r -> r.hook() + " " + r.outcome() + " " + r.detail()).containsExactlyInAnyOrder(
                "stuck timeout timed out after 200ms", "thrower error IllegalStateException: bug");
    }

    @Test
    void anErrorThrownByAFailClosedHookBlocksInsteadOfLettingTheEventThrough() {
        Hook asserting = new Hook() {
            @Override
            public String name() {
                return "asserting";
            }

            @Override
            public Set<HookEvent> events() {
                return Set.of(HookEvent.USER_PROMPT_SUBMIT);
            }

            @Override
            public boolean failClosed() {
                return true;
            }

            @Override
            public HookResult run(JsonNode input) {
                throw new AssertionError("invariant broken");
            }
        };
        Verdict verdict = run(new HookPipeline(List.of(asserting), executor), false, new java.util.ArrayList<>());
        assertThat(verdict.blockedBy()).isEqualTo("asserting");
        assertThat(verdict.reason()).isEqualTo("hook asserting failed: AssertionError: invariant broken");
    }

    @Test
    void claudeSettingsHooksDoNotRunForClaudeCodeWhichRunsThemItself() {
        HookPipeline pipeline = new HookPipeline(List.of(hook("settings", 1, HookResult.block("no"), null, false,
                true)), executor);
        assertThat(pipeline.has(HookEvent.USER_PROMPT_SUBMIT, true)).isFalse();
        assertThat(pipeline.has(HookEvent.USER_PROMPT_SUBMIT, false)).isTrue();
        assertThat(pipeline.has(HookEvent.PRE_REQUEST, false)).isFalse();
        assertThat(run(pipeline, true, new java.util.ArrayList<>()).blocked()).isFalse();
        assertThat(run(pipeline, false, new java.util.ArrayList<>()).blocked()).isTrue();
    }

    /** An in-process hook that edits the input it was given, then answers CONTINUE. */
    private static Hook editing(String name, CountDownLatch bothRunning, CountDownLatch edited, Duration timeout) {
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
            public Duration timeout() {
                return timeout;
            }

            @Override
            public HookResult run(JsonNode input) throws Exception {
                bothRunning.countDown();
                bothRunning.await(5, TimeUnit.SECONDS);
                ((com.fasterxml.jackson.databind.node.ObjectNode) input).put("prompt", "changed by " + name);
                ((com.fasterxml.jackson.databind.node.ObjectNode) input.path("request")).putArray("messages");
                edited.countDown();
                return HookResult.CONTINUE;
            }
        };
    }

    @Test
    void hooksRunningInParallelNeverSeeEachOthersEditsNorTouchTheCallersInput() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch edited = new CountDownLatch(2);
        java.util.Map<String, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
        Hook reader = new Hook() {
            @Override
            public String name() {
                return "reader";
            }

            @Override
            public Set<HookEvent> events() {
                return Set.of(HookEvent.USER_PROMPT_SUBMIT);
            }

            @Override
            public HookResult run(JsonNode input) throws Exception {
                bothRunning.countDown();
                bothRunning.await(5, TimeUnit.SECONDS);
                edited.await(5, TimeUnit.SECONDS); // the editor has changed its input by now
                seen.put("prompt", input.path("prompt").asText());
                seen.put("messages", Integer.toString(input.path("request").path("messages").size()));
                return HookResult.CONTINUE;
            }
        };
        HookPipeline pipeline = new HookPipeline(List.of(editing("editor", bothRunning, edited, Duration.ofSeconds(5)),
                reader), executor);
        com.fasterxml.jackson.databind.node.ObjectNode input = JsonNodeFactory.instance.objectNode().put("prompt", "hi");
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
        Hook slow = new Hook() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public Set<HookEvent> events() {
                return Set.of(HookEvent.USER_PROMPT_SUBMIT);
            }

            @Override
            public Duration timeout() {
                return Duration.ofMillis(50);
            }

            @Override
            public HookResult run(JsonNode input) throws Exception {
                running.countDown();
                late.await(10, TimeUnit.SECONDS); // released once the pipeline has given up on it
                ((com.fasterxml.jackson.databind.node.ObjectNode) input).put("prompt", "too late");
                edited.countDown();
                return HookResult.CONTINUE;
            }
        };
        com.fasterxml.jackson.databind.node.ObjectNode input = JsonNodeFactory.instance.objectNode().put("prompt", "hi");
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
        java.util.Set<String> copiedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        com.fasterxml.jackson.databind.node.ObjectNode input = new com.fasterxml.jackson.databind.node.ObjectNode(
                JsonNodeFactory.instance) {
            @Override
            public com.fasterxml.jackson.databind.node.ObjectNode deepCopy() {
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
