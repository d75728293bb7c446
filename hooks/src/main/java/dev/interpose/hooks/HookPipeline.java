package dev.interpose.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.interpose.config.HookEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the hooks of an event in parallel on an executor (never an event loop) and merges their answers
 * in merge order, lower {@link Hook#order()} first, then by name:
 * <ul>
 *   <li>a block decides, and its reason is the first of the strongest: {@code deny} (a plain block, a failed
 *       fail-closed hook) over {@code defer} over {@code ask}; {@code allow} holds only when nothing blocks;</li>
 *   <li>added contexts are all kept, in merge order;</li>
 *   <li>a replacement prompt, request, tool input or tool result (and a session title) is taken from the first
 *       hook that gives one; later ones are ignored (they saw the same input, not the first one's result);</li>
 *   <li>every {@code systemMessage} is kept, in merge order, from blocking hooks too.</li>
 * </ul>
 * A hook that fails (error, timeout, exception) is reported and otherwise ignored unless fail-closed.
 * Immutable and thread-safe.
 */
public final class HookPipeline {
    /** Beyond a hook's own timeout, before an in-process hook that ignores it counts as timed out. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** The longest any hook may take, whatever it declares. */
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private final List<Hook> hooks;
    private final Executor executor;

    public HookPipeline(List<? extends Hook> hooks, Executor executor) {
        List<Hook> sorted = new ArrayList<>(hooks);
        sorted.sort(Comparator.comparingInt(Hook::order).thenComparing(Hook::name));
        this.hooks = List.copyOf(sorted);
        this.executor = executor;
    }

    public static HookPipeline empty(Executor executor) {
        return new HookPipeline(List.of(), executor);
    }

    public List<Hook> hooks() {
        return hooks;
    }

    /** Whether any hook runs at {@code event} for this client (whatever the tool). Cheap: no allocation. */
    public boolean has(HookEvent event, boolean claudeCode) {
        for (Hook hook : hooks) {
            if (hook.events().contains(event) && hook.runsFor(claudeCode)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any hook runs at {@code event} for this client and this tool. Cheap: no allocation. */
    public boolean has(HookEvent event, String toolName, boolean claudeCode) {
        for (Hook hook : hooks) {
            if (hook.events().contains(event) && hook.runsFor(claudeCode) && hook.matches(event, toolName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether any hook runs at {@code event} for this client and a tool known by any of {@code toolNames} (a
     * tool's name as the hook sees it, then the names it goes by on the wire). Cheap: no allocation.
     */
    public boolean hasAny(HookEvent event, List<String> toolNames, boolean claudeCode) {
        for (Hook hook : hooks) {
            if (hook.events().contains(event) && hook.runsFor(claudeCode) && matchesAny(hook, event, toolNames)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(Hook hook, HookEvent event, List<String> toolNames) {
        for (int i = 0; i < toolNames.size(); i++) {
            if (hook.matches(event, toolNames.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the hooks that match and merges their answers; completes with {@link Verdict#NONE} at once when
     * none match. Never completes exceptionally.
     *
     * @param toolName the tool, for tool events; else null
     * @param onRun    told of each hook run as it ends (for logs and metrics), on the hook's thread
     */
    public CompletableFuture<Verdict> run(HookEvent event, String toolName, boolean claudeCode, JsonNode input,
            Consumer<HookRun> onRun) {
        return runAny(event, java.util.Collections.singletonList(toolName), claudeCode, input, onRun);
    }

    /**
     * As {@link #run(HookEvent, String, boolean, JsonNode, Consumer)}, for a tool known by several names: a hook
     * runs when its matcher takes any of them (the name the input gives, then the names of the call on the wire).
     */
    public CompletableFuture<Verdict> runAny(HookEvent event, List<String> toolNames, boolean claudeCode, JsonNode input,
            Consumer<HookRun> onRun) {
        List<Hook> matching = new ArrayList<>();
        for (Hook hook : hooks) {
            if (hook.events().contains(event) && hook.runsFor(claudeCode) && matchesAny(hook, event, toolNames)) {
                matching.add(hook);
            }
        }
        if (matching.isEmpty()) {
            return CompletableFuture.completedFuture(Verdict.NONE);
        }
        // Each hook gets its own copy: hooks run in parallel, one that times out runs on after the verdict, and
        // the caller edits its request once the verdict is in; none may see another's changes. The copies are
        // made on the executor (a tool call's input can be megabytes, and PreToolUse asks from an event loop),
        // and the verdict waits for all of them, so the caller never edits what is still being copied.
        List<CompletableFuture<JsonNode>> copies = new ArrayList<>(matching.size());
        List<CompletableFuture<HookResult>> results = new ArrayList<>(matching.size());
        for (Hook hook : matching) {
            CompletableFuture<JsonNode> own = CompletableFuture.<JsonNode>supplyAsync(input::deepCopy, executor)
                    .exceptionally(e -> MissingNode.getInstance()); // no copy: the hook sees nothing, and errs
            copies.add(own);
            results.add(runOne(hook, event, own, onRun));
        }
        return CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new))
                .thenCompose(copied -> CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)))
                .thenApply(done -> merge(matching, results));
    }

    private CompletableFuture<HookResult> runOne(Hook hook, HookEvent event, CompletableFuture<JsonNode> input,
            Consumer<HookRun> onRun) {
        long start = System.nanoTime();
        Duration limit = hook.timeout().compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT.plus(GRACE) : hook.timeout().plus(GRACE);
        return input.thenApplyAsync(own -> {
            try {
                HookResult result = hook.run(own);
                return result == null ? HookResult.CONTINUE : result;
            } catch (Throwable e) { // an in-process hook's Error must not turn into "no answer" (allow)
                return HookResult.error(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }, executor).completeOnTimeout(HookResult.timeout("after " + hook.timeout().toMillis() + "ms"),
                limit.toMillis(), TimeUnit.MILLISECONDS).thenApply(result -> {
                    boolean skipped = result.decision() == HookResult.Decision.ERROR && !hook.failClosed();
                    onRun.accept(new HookRun(hook.name(), event, System.nanoTime() - start, result.outcome(),
                            result.reason(), skipped));
                    return result;
                });
    }

    private static Verdict merge(List<Hook> hooks, List<CompletableFuture<HookResult>> results) {
        String blockedBy = null;
        String reason = null;
        HookResult.Permission blocking = null;
        boolean allowed = false;
        List<String> contexts = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        String prompt = null;
        JsonNode request = null;
        JsonNode updatedInput = null;
        JsonNode updatedOutput = null;
        String title = null;
        String stoppedBy = null;
        String stopReason = null;
        for (int i = 0; i < hooks.size(); i++) {
            Hook hook = hooks.get(i);
            HookResult r = results.get(i).join();
            HookResult.Extra extra = r.extra();
            if (extra.systemMessage() != null && !extra.systemMessage().isBlank()) {
                messages.add(extra.systemMessage());
            }
            if (r.decision() == HookResult.Decision.BLOCK && extra.stop() && stoppedBy == null) {
                stoppedBy = hook.name(); // continue: false outranks every other decision; the first one's reason
                stopReason = r.reason();
            }
            boolean blocks = r.decision() == HookResult.Decision.BLOCK
                    || (r.decision() == HookResult.Decision.ERROR && hook.failClosed());
            if (blocks) {
                // deny > defer > ask: the strongest decides, the first of equal strength gives the reason.
                HookResult.Permission p = r.decision() == HookResult.Decision.BLOCK && extra.permission() != null
                        && extra.permission() != HookResult.Permission.ALLOW ? extra.permission()
                        : HookResult.Permission.DENY;
                if (blocking == null || p.compareTo(blocking) > 0) {
                    blocking = p;
                    blockedBy = hook.name();
                    reason = r.decision() == HookResult.Decision.ERROR ? "hook " + hook.name() + " failed: " + r.reason()
                            : r.reason();
                }
            }
            if (r.decision() != HookResult.Decision.CONTINUE) {
                continue;
            }
            allowed |= extra.permission() == HookResult.Permission.ALLOW;
            if (r.additionalContext() != null && !r.additionalContext().isBlank()) {
                contexts.add(r.additionalContext());
            }
            prompt = prompt == null ? r.prompt() : prompt;
            request = request == null ? r.request() : request;
            updatedInput = updatedInput == null ? extra.updatedInput() : updatedInput;
            updatedOutput = updatedOutput == null ? extra.updatedToolOutput() : updatedOutput;
            title = title == null ? extra.sessionTitle() : title;
        }
        HookResult.Permission permission = blocking != null ? blocking : allowed ? HookResult.Permission.ALLOW : null;
        if (stoppedBy != null) {
            return new Verdict(stoppedBy, stopReason, contexts, null, null, HookResult.Permission.DENY, null, null,
                    messages, title, true);
        }
        return new Verdict(blockedBy, reason, contexts, prompt, request, permission,
                blockedBy == null ? updatedInput : null, updatedOutput, messages, title);
    }
}
