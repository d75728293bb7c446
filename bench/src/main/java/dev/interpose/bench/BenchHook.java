package dev.interpose.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.Hook;
import dev.interpose.hooks.HookResult;
import java.util.Set;

/**
 * The in-process hook the benchmark measures: a {@code PreRequest} hook that reads the model and lets the
 * request go on, packed by {@link Bench} into a plugin jar for the proxy process (this class is not on
 * the proxy's class path).
 */
public final class BenchHook implements Hook {
    @Override
    public String name() {
        return "bench-java";
    }

    @Override
    public Set<HookEvent> events() {
        return Set.of(HookEvent.PRE_REQUEST);
    }

    @Override
    public HookResult run(JsonNode input) {
        return input.path("request").path("model").isTextual() ? HookResult.CONTINUE : HookResult.error("no model");
    }
}
