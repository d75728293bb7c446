package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A whole Messages answer as a Chat Completions answer: the text blocks as the message's content, thinking
 * as {@code reasoning_content} (as DeepSeek and vLLM send it), each {@code tool_use} as a tool call with the
 * same id and its input as JSON arguments; the stop reason as the finish reason; usage with the whole prompt
 * (cache reads included, as OpenAI counts it) and the cached part in its details. Stateless.
 */
final class MessagesToChatAnswer {
    private MessagesToChatAnswer() {
    }

    static ObjectNode translate(JsonNode message, String requestedModel, long created) {
        ObjectNode out = Json.object().put("id", chatId(Json.text(message.path("id")))).put("object", "chat.completion");
        out.put("created", created).put("model", ChatToMessagesAnswer.model(message, requestedModel));
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode reply = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode calls = Json.array();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text":
                    text.append(block.path("text").asText(""));
                    break;
                case "thinking":
                    thinking.append(block.path("thinking").asText(""));
                    break;
                case "tool_use":
                    calls.addObject().put("id", block.path("id").asText()).put("type", "function").putObject("function")
                            .put("name", block.path("name").asText())
                            .put("arguments", Json.write(block.path("input").isObject() ? block.path("input") : Json.object()));
                    break;
                default:
                    break;
            }
        }
        if (text.length() > 0 || calls.isEmpty()) {
            reply.put("content", text.toString());
        } else {
            reply.putNull("content");
        }
        if (thinking.length() > 0) {
            reply.put("reasoning_content", thinking.toString());
        }
        if (!calls.isEmpty()) {
            reply.set("tool_calls", calls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(Json.text(message.path("stop_reason")), !calls.isEmpty()));
        out.set("usage", usage(new TokenCounts().messages(message.path("usage"))));
        return out;
    }

    static String finishReason(String stopReason, boolean calledTools) {
        if ("max_tokens".equals(stopReason) || "model_context_window_exceeded".equals(stopReason)) {
            return "length";
        }
        if ("refusal".equals(stopReason)) {
            return "content_filter";
        }
        return "tool_use".equals(stopReason) || calledTools ? "tool_calls" : "stop";
    }

    static ObjectNode usage(TokenCounts counts) {
        ObjectNode usage = Json.object().put("prompt_tokens", counts.prompt()).put("completion_tokens", counts.output)
                .put("total_tokens", counts.prompt() + counts.output);
        usage.putObject("prompt_tokens_details").put("cached_tokens", counts.cacheRead);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", counts.reasoning);
        return usage;
    }

    static String chatId(String messageId) {
        return messageId != null && messageId.startsWith("chatcmpl") ? messageId
                : "chatcmpl-" + (messageId == null ? Ids.random() : messageId);
    }
}
