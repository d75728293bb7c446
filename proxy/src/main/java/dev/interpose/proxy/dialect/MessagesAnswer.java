package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An Anthropic Messages answer: {@code message_start} names the model, {@code content_block_start} opens a
 * text or tool-use block whose text or input JSON arrives in {@code content_block_delta}s, and
 * {@code message_delta} carries the stop reason and the final usage. A whole body has the same blocks in
 * {@code content}.
 */
final class MessagesAnswer extends AnswerAssembler {
    @Override
    void event(JsonNode event) {
        switch (event.path("type").asText()) {
            case "message_start" -> {
                model = textOr(event.path("message").path("model"), model);
                mergeUsage(event.path("message").path("usage"));
            }
            case "content_block_start" -> contentBlock(event.path("index").asInt(), event.path("content_block"));
            case "content_block_delta" -> delta(event.path("index").asInt(), event.path("delta"));
            case "message_delta" -> {
                stopReason = textOr(event.path("delta").path("stop_reason"), stopReason);
                mergeUsage(event.path("usage"));
            }
            case "error" -> error(event.path("error"));
            default -> {
            }
        }
    }

    @Override
    void body(JsonNode body) {
        if ("error".equals(body.path("type").asText())) {
            error(body.path("error"));
            return;
        }
        model = textOr(body.path("model"), model);
        int i = 0;
        for (JsonNode block : body.path("content")) {
            contentBlock(i++, block);
        }
        stopReason = textOr(body.path("stop_reason"), stopReason);
        mergeUsage(body.path("usage"));
    }

    private void delta(int index, JsonNode delta) {
        String type = delta.path("type").asText();
        if ("text_delta".equals(type)) {
            text.append(delta.path("text").asText());
        } else if ("input_json_delta".equals(type)) {
            Call call = calls.get(index);
            if (call != null) {
                call.input.append(delta.path("partial_json").asText());
            }
        }
    }

    private void contentBlock(int index, JsonNode block) {
        String type = block.path("type").asText();
        if ("text".equals(type)) {
            text.append(block.path("text").asText());
        } else if ("tool_use".equals(type) || "server_tool_use".equals(type)) {
            Call call = new Call();
            call.id = block.path("id").asText(null);
            call.name = block.path("name").asText(null);
            JsonNode input = block.path("input");
            if (input.isObject() && input.size() > 0) {
                call.parsed = input; // a whole body; a stream starts with {} and sends the input in deltas
            }
            calls.put(index, call);
        }
    }
}
