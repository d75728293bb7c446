package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An OpenAI Chat Completions answer: unnamed chunks whose first choice's {@code delta} adds text or pieces
 * of tool calls (by their {@code index}), the last with the {@code finish_reason}, and usage on a chunk of
 * its own when asked for. A whole body has the same in {@code choices[0].message}.
 */
final class ChatAnswer extends AnswerAssembler {
    @Override
    void event(JsonNode chunk) {
        if (chunk.path("error").isObject()) {
            error(chunk.path("error"));
            return;
        }
        model = textOr(chunk.path("model"), model);
        mergeUsage(chunk.path("usage"));
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        if (delta.path("content").isTextual()) {
            text.append(delta.path("content").asText());
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call.path("index").asInt(), call);
        }
        stopReason = textOr(choice.path("finish_reason"), stopReason);
    }

    @Override
    void body(JsonNode body) {
        if (body.path("error").isObject()) {
            error(body.path("error"));
            return;
        }
        model = textOr(body.path("model"), model);
        JsonNode choice = body.path("choices").path(0);
        JsonNode message = choice.path("message");
        if (message.path("content").isTextual()) {
            text.append(message.path("content").asText());
        }
        int i = 0;
        for (JsonNode call : message.path("tool_calls")) {
            toolCall(i++, call);
        }
        stopReason = textOr(choice.path("finish_reason"), stopReason);
        mergeUsage(body.path("usage"));
    }

    private void toolCall(int index, JsonNode part) {
        Call call = calls.computeIfAbsent(index, i -> new Call());
        if (part.path("id").isTextual()) {
            call.id = part.path("id").asText();
        }
        JsonNode function = part.path("function");
        if (function.path("name").isTextual()) {
            call.name = function.path("name").asText();
        }
        call.input.append(function.path("arguments").asText(""));
    }
}
