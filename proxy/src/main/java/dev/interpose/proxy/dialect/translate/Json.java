package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The JSON helpers every translator shares. Stateless. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** The text of a value, or null when it is not a string. */
    static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** The texts of a content that is a string or a list of parts with {@code text}, joined by {@code separator}. */
    static String joinedText(JsonNode content, String separator) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                out.append(out.length() == 0 ? "" : separator).append(part.path("text").asText());
            }
        }
        return out.toString();
    }

    /** A JSON value written as text (how the OpenAI APIs carry a tool call's arguments). */
    static String write(JsonNode value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The object a tool call's argument text holds, as the Messages API wants a tool's input: {@code {}} for an
     * empty text, and a text that is not a JSON object kept whole under {@code "arguments"} (never dropped).
     */
    static ObjectNode arguments(String text) {
        if (text == null || text.isBlank()) {
            return object();
        }
        try {
            JsonNode value = MAPPER.readTree(text);
            if (value instanceof ObjectNode) {
                return (ObjectNode) value;
            }
        } catch (IOException e) {
            // not JSON: kept as text below
        }
        ObjectNode kept = object();
        kept.put("arguments", text);
        return kept;
    }

    /** A number field as a long, 0 when absent or not a number. */
    static long number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? value.asLong() : 0;
    }
}
