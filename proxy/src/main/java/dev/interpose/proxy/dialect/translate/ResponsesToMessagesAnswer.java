package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A whole Responses answer as a Messages answer: message items' text (and refusals) as text blocks, function
 * calls as {@code tool_use} blocks with the {@code call_id} as the id and the arguments parsed (a custom
 * tool's call with its input under {@code input}), reasoning items as thinking blocks whose signature carries
 * the item back to the upstream on the next turn; the status as the stop reason; usage with the cached part
 * of the input as cache reads. Stateless.
 */
final class ResponsesToMessagesAnswer {
    /** The start of a thinking block's signature that holds a Responses reasoning item, not Anthropic's. */
    static final String SIGNATURE_PREFIX = "interpose.responses.v1:";

    private ResponsesToMessagesAnswer() {
    }

    static ObjectNode translate(JsonNode response, String requestedModel) {
        return translate(response, requestedModel, null);
    }

    /** As {@link #translate(JsonNode, String)}, the answer's id {@code messageId} (the upstream's when null). */
    static ObjectNode translate(JsonNode response, String requestedModel, String messageId) {
        ObjectNode out = Json.object();
        out.put("id", messageId != null ? messageId : Ids.message(Json.text(response.path("id"))));
        out.put("type", "message").put("role", "assistant");
        out.put("model", ChatToMessagesAnswer.model(response, requestedModel));
        ArrayNode content = out.putArray("content");
        boolean calls = false;
        for (JsonNode item : response.path("output")) {
            switch (item.path("type").asText()) {
                case "message":
                    for (JsonNode part : item.path("content")) {
                        String text = Json.text(part.path("output_text".equals(part.path("type").asText()) ? "text" : "refusal"));
                        if (text != null && !text.isEmpty()) {
                            content.addObject().put("type", "text").put("text", text);
                        }
                    }
                    break;
                case "function_call":
                case "custom_tool_call":
                    content.add(toolUse(item));
                    calls = true;
                    break;
                case "reasoning":
                    content.addObject().put("type", "thinking").put("thinking", summary(item)).put("signature", signature(item));
                    break;
                default:
                    break; // hosted tools' items
            }
        }
        out.put("stop_reason", stopReason(response, calls));
        out.putNull("stop_sequence");
        out.set("usage", counts(response.path("usage")).toMessages());
        return out;
    }

    static ObjectNode toolUse(JsonNode item) {
        ObjectNode use = Json.object().put("type", "tool_use").put("id", Ids.toolUse(Json.text(item.path("call_id")), 0));
        use.put("name", item.path("name").asText(""));
        if ("custom_tool_call".equals(item.path("type").asText())) {
            use.putObject("input").put("input", item.path("input").asText(""));
        } else {
            use.set("input", Json.arguments(Json.text(item.path("arguments"))));
        }
        return use;
    }

    static String stopReason(JsonNode response, boolean calledTools) {
        if ("incomplete".equals(response.path("status").asText())) {
            return "content_filter".equals(response.path("incomplete_details").path("reason").asText()) ? "refusal" : "max_tokens";
        }
        return calledTools ? "tool_use" : "end_turn";
    }

    /** The Responses usage as token counts: the cached part of the input is a cache read. */
    static TokenCounts counts(JsonNode usage) {
        TokenCounts counts = new TokenCounts();
        if (usage.isObject()) {
            counts.seen = true;
            counts.cacheRead = Json.number(usage.path("input_tokens_details"), "cached_tokens");
            counts.input = Math.max(0, Json.number(usage, "input_tokens") - counts.cacheRead);
            counts.output = Json.number(usage, "output_tokens");
            counts.reasoning = Json.number(usage.path("output_tokens_details"), "reasoning_tokens");
        }
        return counts;
    }

    static String summary(JsonNode reasoning) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : reasoning.path("summary")) {
            text.append(text.length() == 0 ? "" : "\n\n").append(part.path("text").asText(""));
        }
        return text.toString();
    }

    /** A thinking block's signature holding the reasoning item's id and encrypted content, to send them back. */
    static String signature(JsonNode reasoning) {
        String encrypted = Json.text(reasoning.path("encrypted_content"));
        return encrypted == null ? "" : SIGNATURE_PREFIX + reasoning.path("id").asText("") + ":" + encrypted;
    }

    /** The reasoning item a thinking block carries back (null: the thinking is Anthropic's, or carries nothing). */
    static ObjectNode reasoningItem(JsonNode thinking) {
        String signature = thinking.path("signature").asText("");
        if (!signature.startsWith(SIGNATURE_PREFIX)) {
            return null;
        }
        String rest = signature.substring(SIGNATURE_PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon < 0) {
            return null;
        }
        ObjectNode item = Json.object().put("type", "reasoning").put("id", rest.substring(0, colon));
        ArrayNode summary = item.putArray("summary");
        if (!thinking.path("thinking").asText("").isEmpty()) {
            summary.add(ResponsesObjects.summaryText(thinking.path("thinking").asText()));
        }
        item.put("encrypted_content", rest.substring(colon + 1));
        return item;
    }
}
