package dev.interpose.proxy.hook;

import dev.interpose.config.HookEvent;
import dev.interpose.hooks.Hook;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.HookRun;
import dev.interpose.proxy.error.ErrorKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The request-side hooks a request skips when it cannot be shown to them (a body the proxy cannot read, or
 * the hooks could not run): one log line for each, and a refusal when one of them is fail-closed. Immutable;
 * thread-safe.
 */
final class SkippedRequestHooks {
    private final HookPipeline pipeline;
    private final HookLog log;
    private final HookEvent[] events;

    SkippedRequestHooks(HookPipeline pipeline, HookLog log, HookEvent[] events) {
        this.pipeline = pipeline;
        this.log = log;
        this.events = events;
    }

    /**
     * The hooks that would have seen this request are skipped: one log line each, with {@code reason};
     * the request is refused ({@code kind}) when one of them is fail-closed, or when {@code refuse}.
     */
    RequestHooks.Decision skip(RequestHooks.Meta meta, String reason, boolean refuse, ErrorKind kind) {
        List<Hook> skipped = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        for (Hook hook : pipeline.hooks()) {
            if (hook.runsFor(meta.claudeCode()) && runsOnRequests(hook)) {
                skipped.add(hook);
                if (hook.failClosed()) {
                    closed.add(hook.name());
                }
            }
        }
        boolean refused = refuse || !closed.isEmpty();
        String detail = reason + (refused ? "; the request was refused" : "; the request went on without it");
        for (Hook hook : skipped) {
            for (HookEvent event : events) {
                if (hook.events().contains(event)) {
                    log.record(meta.requestId(), new HookRun(hook.name(), event, 0, "skipped", detail, false));
                }
            }
        }
        if (!refused) {
            return RequestHooks.Decision.UNCHANGED;
        }
        return RequestHooks.Decision.refusal(kind, closed.isEmpty() ? reason
                : reason + " (fail-closed hook" + (closed.size() > 1 ? "s " : " ") + String.join(", ", closed) + ")");
    }


    private boolean runsOnRequests(Hook hook) {
        for (HookEvent event : events) {
            if (hook.events().contains(event)) {
                return true;
            }
        }
        return false;
    }
}
