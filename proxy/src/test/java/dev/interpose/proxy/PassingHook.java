package dev.interpose.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.Hook;
import dev.interpose.hooks.HookResult;
import java.util.Set;

/** An in-process hook at {@code event}, for every tool, that lets everything through. */
public record PassingHook(String name, HookEvent event) implements Hook {
    @Override
    public Set<HookEvent> events() {
        return Set.of(event);
    }

    @Override
    public HookResult run(JsonNode input) {
        return HookResult.CONTINUE;
    }
}
