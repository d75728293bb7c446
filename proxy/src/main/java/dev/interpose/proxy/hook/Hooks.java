package dev.interpose.proxy.hook;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.interpose.hooks.HookPipeline;
import java.nio.file.Path;

/**
 * The hooks of one configuration: the request side and the response side. Immutable.
 *
 * @param forCodex the same without the hooks of Codex's own files, for Codex's traffic (Codex runs those itself); null
 *                 when there are none
 */
public record Hooks(RequestHooks request, ResponseHooks response, Hooks forCodex) {

    public Hooks(RequestHooks request, ResponseHooks response) {
        this(request, response, null);
    }

    /** The hooks for a request from Codex ({@code codex}) or another client: a hook never runs twice for one event. */
    public Hooks forClient(boolean codex) {
        return codex && forCodex != null ? forCodex : this;
    }

    /** No hooks at all. */
    public static Hooks none(HookLog log) {
        HookPipeline empty = HookPipeline.empty(Runnable::run);
        Path here = Path.of(".");
        return new Hooks(new RequestHooks(empty, here, Runnable::run, Caffeine.newBuilder().build(), log),
                new ResponseHooks(empty, here, Runnable::run, log));
    }

    /** Whether any hook may run for a request from this client to this path; no parse, no allocation. */
    public boolean wants(String path, boolean claudeCode) {
        return request.wants(path, claudeCode) || response.wants(path, claudeCode);
    }
}
