package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.HookRun;
import dev.interpose.hooks.Verdict;
import dev.interpose.proxy.dialect.ApiDialect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The hooks of a request that carries tool results: {@code PostToolUse} for each result that succeeded (with the
 * tool's own {@code tool_response} shape, {@link ToolResponses}), {@code PostToolUseFailure} for each that failed
 * ({@code error}, {@code is_interrupt}), each run once per view of the call ({@link ToolView}), then
 * {@code PostToolBatch} once when the request carries several results ({@code tool_calls}, each with the text the
 * model sees as {@code tool_response}). Runs on the hook executor, and waits there for each event's hooks.
 */
final class ToolResultHooks {
    private final HookPipeline pipeline;
    private final Path projectDir;

    ToolResultHooks(HookPipeline pipeline, Path projectDir) {
        this.pipeline = pipeline;
        this.projectDir = projectDir;
    }

    /**
     * What the hooks said.
     *
     * @param contexts  marked context for the model, in order
     * @param replaced  the text each result is replaced with ({@code updatedToolOutput}), by its index
     * @param ended     the verdict that ends the turn here: a hook's {@code "continue": false}, or the
     *                  {@code PostToolBatch} hook that blocked the next model call; null to go on
     */
    record Said(List<String> contexts, Map<Integer, String> replaced, Verdict ended) {
    }

    /** Whether any of these hooks may run for this client. */
    boolean wanted(boolean claudeCode) {
        return pipeline.has(HookEvent.POST_TOOL_USE, claudeCode) || pipeline.has(HookEvent.POST_TOOL_USE_FAILURE, claudeCode)
                || pipeline.has(HookEvent.POST_TOOL_BATCH, claudeCode);
    }

    Said run(List<ApiDialect.ToolResult> results, boolean claudeCode, Function<HookEvent, ObjectNode> inputs,
            Consumer<HookRun> onRun, java.util.function.UnaryOperator<Verdict> noted) {
        List<String> contexts = new ArrayList<>();
        Map<Integer, String> replaced = new LinkedHashMap<>();
        ObjectNode batchInput = null;
        ArrayNode batch = null;
        if (results.size() > 1 && pipeline.has(HookEvent.POST_TOOL_BATCH, claudeCode)) {
            batchInput = inputs.apply(HookEvent.POST_TOOL_BATCH);
            batch = batchInput.putArray("tool_calls");
        }
        for (int index = 0; index < results.size(); index++) {
            ApiDialect.ToolResult result = results.get(index);
            String failure = ToolResponses.failure(result);
            HookEvent event = failure == null ? HookEvent.POST_TOOL_USE : HookEvent.POST_TOOL_USE_FAILURE;
            List<ToolView> views = ToolView.of(result.name(), result.input(), projectDir); // as PreToolUse saw them
            if (batch != null) {
                ObjectNode call = batch.addObject().put("tool_name", views.get(0).name());
                call.set("tool_input", views.get(0).input());
                call.put("tool_use_id", result.id()).put("tool_response", result.output());
            }
            if (!pipeline.has(event, claudeCode)) {
                continue;
            }
            for (ToolView view : views) {
                if (!pipeline.hasAny(event, view.matchNames(), claudeCode)) {
                    continue;
                }
                ObjectNode input = inputs.apply(event);
                view.describe(input);
                if (failure == null) {
                    input.set("tool_response", ToolResponses.of(view, result));
                } else {
                    input.put("error", failure).put("is_interrupt", false);
                }
                input.put("tool_use_id", result.id());
                Verdict v = noted.apply(pipeline.runAny(event, view.matchNames(), claudeCode, input, onRun).join());
                if (v.stopped()) { // continue: false stops the turn, where a block is only feedback
                    return new Said(contexts, replaced, v);
                }
                List<String> said = new ArrayList<>(v.contexts());
                if (v.blocked()) {
                    said.add(v.reason()); // as Claude Code: a block after the tool ran is feedback for the model
                }
                RequestHooks.addMarked(contexts, event.wireName() + ":" + view.name(), said);
                if (failure == null && v.updatedToolOutput() != null && !replaced.containsKey(index)) {
                    replaced.put(index, ToolResponses.text(view, v.updatedToolOutput()));
                }
            }
        }
        if (batch == null) {
            return new Said(contexts, replaced, null);
        }
        Verdict v = noted.apply(pipeline.run(HookEvent.POST_TOOL_BATCH, null, claudeCode, batchInput, onRun).join());
        RequestHooks.addMarked(contexts, HookEvent.POST_TOOL_BATCH.wireName(), v.contexts());
        return new Said(contexts, replaced, v.blocked() || v.stopped() ? v : null);
    }
}
