package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code PreToolUse} for one response's gate: each {@link ToolView} of a call is judged, and the first denial (in
 * the order of the views) denies the call; a hook's {@code updatedInput} is put back into the call's own shape
 * ({@link ToolRewrite}), or denies it when it cannot be. Asking never fails: a failure denies the call.
 */
final class PreToolUseJudge implements ToolJudge {
    private final HookPipeline pipeline;
    private final RequestHooks.Meta meta;
    private final Path projectDir;
    private final Executor executor;
    private final HookLog log;

    PreToolUseJudge(HookPipeline pipeline, RequestHooks.Meta meta, Path projectDir, Executor executor, HookLog log) {
        this.pipeline = pipeline;
        this.meta = meta;
        this.projectDir = projectDir;
        this.executor = executor;
        this.log = log;
    }

    private static ToolJudge.Denial checkFailed(Throwable e) {
        return new ToolJudge.Denial("interpose", "the PreToolUse check failed (" + e + "), so the call is denied");
    }

    @Override
    public boolean wants(String toolName) {
        try {
            List<String> names = ToolView.watchNames(toolName);
            return names == null ? pipeline.has(HookEvent.PRE_TOOL_USE, toolName, meta.claudeCode())
                    : pipeline.hasAny(HookEvent.PRE_TOOL_USE, names, meta.claudeCode());
        } catch (RuntimeException e) {
            return true; // a plugin's matcher failed: hold the call and let judge() decide
        }
    }

    @Override
    public CompletableFuture<ToolJudge.Denial> judge(String id, String name, JsonNode toolInput) {
        return rule(id, name, toolInput).thenApply(ToolJudge.Ruling::denial);
    }

    /** Never throws and never completes exceptionally; a failure to ask the hooks denies the call. */
    @Override
    public CompletableFuture<ToolJudge.Ruling> rule(String id, String name, JsonNode toolInput) {
        try { // the views are built off the event loop: a call's input can be megabytes
            return CompletableFuture.supplyAsync(() -> ToolView.of(name, toolInput, projectDir), executor)
                    .thenCompose(views -> rule(id, name, toolInput, views))
                    .exceptionally(e -> ToolJudge.Ruling.of(checkFailed(e)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ToolJudge.Ruling.of(checkFailed(e)));
        }
    }

    private CompletableFuture<ToolJudge.Ruling> rule(String id, String name, JsonNode toolInput,
            List<ToolView> views) {
        List<CompletableFuture<Verdict>> verdicts = new ArrayList<>(views.size());
        List<ToolView> asked = new ArrayList<>(views.size());
        for (ToolView view : views) {
            if (!pipeline.hasAny(HookEvent.PRE_TOOL_USE, view.matchNames(), meta.claudeCode())) {
                continue;
            }
            asked.add(view);
            ObjectNode input = HookInput.of(HookEvent.PRE_TOOL_USE, meta, meta.sessionHeader(), projectDir);
            view.describe(input); // the hooks get copies: they never touch the response being held
            input.put("tool_use_id", id);
            verdicts.add(pipeline.runAny(HookEvent.PRE_TOOL_USE, view.matchNames(), meta.claudeCode(), input,
                    run -> log.record(meta.requestId(), run)));
        }
        return CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            JsonNode rewritten = null;
            for (int i = 0; i < verdicts.size(); i++) {
                Verdict v = verdicts.get(i).join();
                if (v.blocked()) {
                    return ToolJudge.Ruling.of(new ToolJudge.Denial(v.blockedBy(), v.reason(), v.systemMessages()));
                }
                if (v.updatedInput() != null && rewritten == null) {
                    try { // a rewrite that cannot be applied denies the call: never the original instead
                        rewritten = ToolRewrite.wireInput(name, toolInput, views, asked.get(i),
                                v.updatedInput(), projectDir);
                    } catch (RuntimeException e) {
                        return ToolJudge.Ruling.of(new ToolJudge.Denial("interpose", "a hook's updatedInput"
                                + " could not be applied (" + e.getMessage() + "), so the call is denied"));
                    }
                } else if (v.updatedInput() != null) {
                    return ToolJudge.Ruling.of(new ToolJudge.Denial("interpose", "hooks rewrote more than one"
                            + " part of the call, which cannot be rewritten apart, so the call is denied"));
                }
            }
            return rewritten == null ? ToolJudge.Ruling.ALLOW : ToolJudge.Ruling.rewrite(rewritten);
        });
    }
}
