package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
        return joined(content, separator).asText();
    }

    /** {@link #joinedText} as a string node, the {@link RawText}s in it left undecoded. */
    static JsonNode joined(JsonNode content, String separator) {
        return joined(content, separator, text -> true);
    }

    /** As {@link #joined(JsonNode, String)}, with only the parts' texts that {@code keep} accepts. */
    private static JsonNode joined(JsonNode content, String separator, java.util.function.Predicate<JsonNode> keep) {
        if (content.isTextual()) {
            return content;
        }
        TextJoin out = new TextJoin(separator);
        for (JsonNode part : content) {
            JsonNode text = part.path("text");
            if (text.isTextual() && keep.test(text)) {
                out.add(text);
            }
        }
        return out.node();
    }

    /**
     * A Messages system prompt's text for another vendor's model: its blocks joined, without Claude Code's
     * billing line ({@code x-anthropic-billing-header: cc_version=...}, its first block). The line is Anthropic's
     * accounting, says nothing to another model, and changes with the client's version: at the head of the
     * prompt it would spoil the other vendor's prefix caching.
     */
    static JsonNode systemPrompt(JsonNode system, String separator) {
        return joined(system, separator, text -> !isBillingLine(text));
    }

    private static final String BILLING_LINE = "x-anthropic-billing-header:";

    private static boolean isBillingLine(JsonNode text) {
        return text instanceof RawText ? ((RawText) text).startsWithAscii(BILLING_LINE)
                : text.textValue().startsWith(BILLING_LINE);
    }

    /** {@code node.asText()} as a string node: the node itself when it is a string. */
    static JsonNode textNode(JsonNode node) {
        return node.isTextual() ? node : TextNode.valueOf(node.asText());
    }

    /** {@code node.asText(fallback)} as a string node: the node itself when it is a string. */
    static JsonNode textNode(JsonNode node, String fallback) {
        return node.isTextual() ? node : TextNode.valueOf(node.asText(fallback));
    }

    /** A base64 image {@code source} as a data URL, its data (often the biggest string there is) not decoded. */
    static JsonNode dataUrl(JsonNode source) {
        return new TextJoin("").add("data:").add(textNode(source.path("media_type"), "image/png")).add(";base64,")
                .add(textNode(source.path("data"), "")).node();
    }

    /** Whether a string node holds the empty string (a {@link RawText} is not decoded to tell). */
    static boolean isEmptyText(JsonNode text) {
        return text instanceof RawText ? ((RawText) text).isEmptyText() : text.textValue().isEmpty();
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
