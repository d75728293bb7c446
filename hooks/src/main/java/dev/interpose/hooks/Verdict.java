package dev.interpose.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The merged answer of every hook of one event.
 *
 * @param blockedBy the first hook (in merge order) that blocked, or null when none did
 * @param reason    its reason
 * @param contexts  every added context, in merge order
 * @param prompt    the first replacement prompt in merge order, or null
 * @param request   the first replacement request in merge order, or null
 */
public record Verdict(String blockedBy, String reason, List<String> contexts, String prompt, JsonNode request) {
    public static final Verdict NONE = new Verdict(null, null, List.of(), null, null);

    public Verdict {
        contexts = List.copyOf(contexts);
    }

    public boolean blocked() {
        return blockedBy != null;
    }
}
