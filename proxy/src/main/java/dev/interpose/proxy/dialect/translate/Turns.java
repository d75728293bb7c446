package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Messages turns put together block by block: blocks of one role in a row make one turn; in a user turn the
 * tool results come first (the Messages API wants them right after the calls); an assistant's tool call
 * that no tool result answers gets one saying so (a Messages upstream refuses a call without its result),
 * and the last block gets a cache breakpoint. One per request translation.
 */
final class Turns {
    private final List<String> roles = new ArrayList<>();
    private final List<ArrayNode> blocks = new ArrayList<>();

    /** Adds a block (null: nothing) to the turn of {@code role}. */
    void add(String role, ObjectNode block) {
        if (block == null) {
            return;
        }
        if (roles.isEmpty() || !roles.get(roles.size() - 1).equals(role)) {
            roles.add(role);
            blocks.add(Json.array());
        }
        blocks.get(blocks.size() - 1).add(block);
    }

    ArrayNode messages() {
        ArrayNode out = Json.array();
        for (int i = 0; i < roles.size(); i++) {
            ArrayNode content = blocks.get(i);
            if ("user".equals(roles.get(i))) {
                content = resultsFirst(content);
            }
            if ("assistant".equals(roles.get(i))) {
                Set<String> unanswered = calls(content);
                if (i + 1 < roles.size()) {
                    unanswered.removeAll(results(blocks.get(i + 1)));
                }
                if (!unanswered.isEmpty()) {
                    answer(i, unanswered);
                }
            }
            out.addObject().put("role", roles.get(i)).set("content", content);
        }
        if (!out.isEmpty()) {
            ArrayNode last = (ArrayNode) out.get(out.size() - 1).path("content");
            ((ObjectNode) last.get(last.size() - 1)).putObject("cache_control").put("type", "ephemeral");
        }
        return out;
    }

    /** Adds results for calls nobody answered to the next user turn (made when there is none). */
    private void answer(int assistant, Set<String> ids) {
        if (assistant + 1 >= roles.size() || !"user".equals(roles.get(assistant + 1))) {
            roles.add(assistant + 1, "user");
            blocks.add(assistant + 1, Json.array());
        }
        ArrayNode next = blocks.get(assistant + 1);
        int at = 0;
        for (String id : ids) {
            next.insert(at++, Json.object().put("type", "tool_result").put("tool_use_id", id)
                    .put("content", "(the tool call was not run)").put("is_error", true));
        }
    }

    private static ArrayNode resultsFirst(ArrayNode content) {
        ArrayNode sorted = Json.array();
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                sorted.add(block);
            }
        }
        for (JsonNode block : content) {
            if (!"tool_result".equals(block.path("type").asText())) {
                sorted.add(block);
            }
        }
        return sorted;
    }

    private static Set<String> calls(ArrayNode content) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode block : content) {
            if ("tool_use".equals(block.path("type").asText())) {
                ids.add(block.path("id").asText());
            }
        }
        return ids;
    }

    private static Set<String> results(ArrayNode content) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                ids.add(block.path("tool_use_id").asText());
            }
        }
        return ids;
    }
}
