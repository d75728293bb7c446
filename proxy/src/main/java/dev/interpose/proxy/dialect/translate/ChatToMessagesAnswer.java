package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A whole Chat Completions answer as a Messages answer: the first choice's reasoning (DeepSeek's, vLLM's and
 * Ollama's {@code reasoning_content} or {@code reasoning}) as a thinking block, its text (or refusal) as a
 * text block, each tool call as a {@code tool_use} block with the same id and its arguments parsed; the
 * finish reason as the stop reason; usage with the cached part of the prompt as cache reads. Stateless.
 */
final class ChatToMessagesAnswer {
    private ChatToMessagesAnswer() {
    }

    static ObjectNode translate(JsonNode answer, String requestedModel) {
        return translate(answer, requestedModel, null);
    }

    /** As {@link #translate(JsonNode, String)}, the answer's id {@code messageId} (the upstream's when null). */
    static ObjectNode translate(JsonNode answer, String requestedModel, String messageId) {
        JsonNode choice = answer.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Json.object();
        out.put("id", messageId != null ? messageId : Ids.message(Json.text(answer.path("id"))));
        out.put("type", "message").put("role", "assistant");
        out.put("model", model(answer, requestedModel));
        ArrayNode content = out.putArray("content");
        String reasoning = reasoning(message);
        if (reasoning != null && !reasoning.isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
        }
        String text = Json.text(message.path("content"));
        if (text == null && message.path("content").isArray()) {
            text = Json.joinedText(message.path("content"), "");
        }
        if (text != null && !text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        String refusal = Json.text(message.path("refusal"));
        if (refusal != null && !refusal.isEmpty()) {
            content.addObject().put("type", "text").put("text", refusal);
        }
        int calls = 0;
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode block = content.addObject().put("type", "tool_use");
            block.put("id", Ids.toolUse(Json.text(call.path("id")), calls++));
            block.put("name", call.path("function").path("name").asText(""));
            block.set("input", Json.arguments(Json.text(call.path("function").path("arguments"))));
        }
        out.put("stop_reason", Stops.messagesOfChat(Json.text(choice.path("finish_reason")), calls > 0));
        out.putNull("stop_sequence");
        out.set("usage", new TokenCounts().chat(answer.path("usage")).toMessages());
        return out;
    }

    /** The reasoning text an OpenAI-compatible server puts beside the content, or null. */
    static String reasoning(JsonNode messageOrDelta) {
        String text = Json.text(messageOrDelta.path("reasoning_content"));
        return text != null ? text : Json.text(messageOrDelta.path("reasoning"));
    }

    static String model(JsonNode answer, String requestedModel) {
        String model = Json.text(answer.path("model"));
        return model != null ? model : requestedModel != null ? requestedModel : "unknown";
    }
}
