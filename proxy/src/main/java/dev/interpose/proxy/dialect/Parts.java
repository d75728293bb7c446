package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the three APIs' messages have in common: content as a string or a list of typed parts. Stateless. */
final class Parts {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The blocks the CLIs put into the person's turn, which are not what the person typed. */
    private static final List<String> INJECTED = List.of("<system-reminder>", "<environment_context>",
            "<user_instructions>", "<permissions instructions>");

    private Parts() {
    }

    static boolean injected(String text) {
        String t = text.stripLeading();
        return INJECTED.stream().anyMatch(t::startsWith);
    }

    /** The last element of {@code list} whose {@code role} is {@code role}, or null. */
    static ObjectNode last(JsonNode list, String role) {
        for (int i = list.size() - 1; i >= 0; i--) {
            if (role.equals(list.get(i).path("role").asText()) && list.get(i).isObject()) {
                return (ObjectNode) list.get(i);
            }
        }
        return null;
    }

    /** The text of a content that is a string or a list of parts with {@code text}. */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                out.append(out.length() == 0 ? "" : "\n").append(part.path("text").asText());
            }
        }
        return out.toString();
    }

    /**
     * The typed text of a message's content: a string as is; of a list, the {@code partType} parts that are
     * not injected blocks. Null when there is none.
     */
    static String typed(JsonNode content, String partType) {
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : content) {
            if (partType.equals(part.path("type").asText()) && !injected(part.path("text").asText())) {
                texts.add(part.path("text").asText());
            }
        }
        return texts.isEmpty() ? null : String.join("\n", texts);
    }

    /** The message's content as a list of parts (a string becomes one part), so parts can be added. */
    static ArrayNode parts(ObjectNode message, String partType) {
        JsonNode content = message.path("content");
        if (content.isArray()) {
            return (ArrayNode) content;
        }
        ArrayNode parts = message.putArray("content");
        if (content.isTextual()) {
            parts.addObject().put("type", partType).put("text", content.asText());
        }
        return parts;
    }

    /** Replaces the typed parts of a message with one part holding {@code prompt}, where the first one was. */
    static void replaceTyped(ObjectNode message, String partType, String prompt) {
        ArrayNode parts = parts(message, partType);
        int at = -1;
        for (int i = parts.size() - 1; i >= 0; i--) {
            JsonNode part = parts.get(i);
            if (partType.equals(part.path("type").asText()) && !injected(part.path("text").asText())) {
                parts.remove(i);
                at = i;
            }
        }
        ObjectNode replacement = JSON.createObjectNode().put("type", partType).put("text", prompt);
        parts.insert(at < 0 ? parts.size() : at, replacement);
    }

    /** A whole JSON answer. */
    static ApiDialect.Reply json(ObjectNode node) {
        try {
            return new ApiDialect.Reply(JSON.writeValueAsBytes(node), "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stream of events: each named by its {@code type} when {@code named}, and Chat's {@code [DONE]} last when {@code done}. */
    static ApiDialect.Reply sse(List<ObjectNode> events, boolean named, boolean done) {
        StringBuilder out = new StringBuilder();
        for (ObjectNode event : events) {
            out.append(event(named ? event.path("type").asText() : null, event));
        }
        if (done) {
            out.append("data: [DONE]\n\n");
        }
        return new ApiDialect.Reply(out.toString().getBytes(StandardCharsets.UTF_8), "text/event-stream; charset=utf-8");
    }

    /** One server-sent event: {@code event: name} (when named) and its data on one line. */
    static String event(String name, JsonNode data) {
        return (name != null ? "event: " + name + "\n" : "") + "data: " + data + "\n\n";
    }
}
