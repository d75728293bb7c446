package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ResponsesApi;
import dev.interpose.proxy.dialect.Arguments;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.stream.SseDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a model response together for the {@code PostResponse} and {@code Stop} hooks: from the events of a
 * stream (as an {@link SseDecoder.Listener}) or from a whole JSON body. Knows the three APIs' shapes; what
 * it does not recognise it skips. One per response, confined to its event loop.
 */
public final class ResponseAssembler implements SseDecoder.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiDialect api;
    private final StringBuilder text = new StringBuilder();
    /** Tool calls by their position in the response (content index, output index or Chat's tool index). */
    private final Map<Integer, Call> calls = new LinkedHashMap<>();
    private String model;
    private String stopReason;
    private ObjectNode usage;

    public ResponseAssembler(ApiDialect api) {
        this.api = api;
    }

    private static final class Call {
        String id;
        String name;
        final StringBuilder input = new StringBuilder();
        JsonNode parsed;
    }

    @Override
    public boolean wants(String event) {
        return true;
    }

    @Override
    public void onEvent(String event, byte[] data, int length, boolean truncated) {
        if (truncated || length == 0 || data[0] != '{') {
            return; // Chat's [DONE], or an event too big to have kept
        }
        JsonNode node;
        try {
            node = JSON.readTree(data, 0, length);
        } catch (IOException e) {
            return;
        }
        if (api == ApiDialect.MESSAGES) {
            messagesEvent(node);
        } else if (api instanceof ResponsesApi) {
            responsesEvent(node);
        } else {
            chatChunk(node);
        }
    }

    /** A whole non-streaming response body. */
    public void onBody(byte[] body, int length) {
        JsonNode node;
        try {
            node = JSON.readTree(body, 0, length);
        } catch (IOException e) {
            return;
        }
        if (api == ApiDialect.MESSAGES) {
            model = textOr(node.path("model"), model);
            int i = 0;
            for (JsonNode block : node.path("content")) {
                contentBlock(i++, block);
            }
            stopReason = textOr(node.path("stop_reason"), stopReason);
            mergeUsage(node.path("usage"));
        } else if (api instanceof ResponsesApi) {
            responseObject(node);
        } else {
            model = textOr(node.path("model"), model);
            JsonNode choice = node.path("choices").path(0);
            JsonNode message = choice.path("message");
            if (message.path("content").isTextual()) {
                text.append(message.path("content").asText());
            }
            int i = 0;
            for (JsonNode call : message.path("tool_calls")) {
                chatToolCall(i++, call);
            }
            stopReason = textOr(choice.path("finish_reason"), stopReason);
            mergeUsage(node.path("usage"));
        }
    }

    public AssembledResponse result() {
        List<AssembledResponse.ToolCall> tools = new ArrayList<>();
        for (Call call : calls.values()) {
            JsonNode input = call.parsed != null ? call.parsed : Arguments.parse(JSON.getNodeFactory()
                    .textNode(call.input.length() == 0 ? "{}" : call.input.toString()));
            tools.add(new AssembledResponse.ToolCall(call.id, call.name, input));
        }
        return new AssembledResponse(model, text.toString(), tools, stopReason, usage);
    }

    private void messagesEvent(JsonNode event) {
        switch (event.path("type").asText()) {
            case "message_start" -> {
                model = textOr(event.path("message").path("model"), model);
                mergeUsage(event.path("message").path("usage"));
            }
            case "content_block_start" -> contentBlock(event.path("index").asInt(), event.path("content_block"));
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                if ("text_delta".equals(delta.path("type").asText())) {
                    text.append(delta.path("text").asText());
                } else if ("input_json_delta".equals(delta.path("type").asText())) {
                    Call call = calls.get(event.path("index").asInt());
                    if (call != null) {
                        call.input.append(delta.path("partial_json").asText());
                    }
                }
            }
            case "message_delta" -> {
                stopReason = textOr(event.path("delta").path("stop_reason"), stopReason);
                mergeUsage(event.path("usage"));
            }
            default -> {
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

    private void responsesEvent(JsonNode event) {
        String type = event.path("type").asText();
        if ("response.output_item.done".equals(type)) {
            outputItem(event.path("output_index").asInt(), event.path("item"));
        } else if ("response.completed".equals(type) || "response.incomplete".equals(type)
                || "response.failed".equals(type)) {
            JsonNode response = event.path("response");
            model = textOr(response.path("model"), model);
            status(response);
            mergeUsage(response.path("usage"));
        } else if ("response.created".equals(type)) {
            model = textOr(event.path("response").path("model"), model);
        }
    }

    private void responseObject(JsonNode response) {
        model = textOr(response.path("model"), model);
        int i = 0;
        for (JsonNode item : response.path("output")) {
            outputItem(i++, item);
        }
        status(response);
        mergeUsage(response.path("usage"));
    }

    private void status(JsonNode response) {
        String status = response.path("status").asText(null);
        String why = response.path("incomplete_details").path("reason").asText(null);
        if (status != null) {
            stopReason = why == null ? status : status + ":" + why;
        }
    }

    private void outputItem(int index, JsonNode item) {
        String type = item.path("type").asText();
        if ("message".equals(type)) {
            for (JsonNode part : item.path("content")) {
                if ("output_text".equals(part.path("type").asText())) {
                    text.append(part.path("text").asText());
                }
            }
        } else if (ResponsesApi.isCall(item)) {
            Call call = new Call();
            call.id = item.path("call_id").asText(null);
            call.name = ResponsesApi.toolName(item);
            call.parsed = ResponsesApi.callInput(item);
            calls.put(index, call);
        }
    }

    private void chatChunk(JsonNode chunk) {
        model = textOr(chunk.path("model"), model);
        mergeUsage(chunk.path("usage"));
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        if (delta.path("content").isTextual()) {
            text.append(delta.path("content").asText());
        }
        for (JsonNode call : delta.path("tool_calls")) {
            chatToolCall(call.path("index").asInt(), call);
        }
        stopReason = textOr(choice.path("finish_reason"), stopReason);
    }

    private void chatToolCall(int index, JsonNode part) {
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

    private void mergeUsage(JsonNode more) {
        if (!more.isObject()) {
            return;
        }
        if (usage == null) {
            usage = JSON.createObjectNode();
        }
        usage.setAll((ObjectNode) more);
    }

    private static String textOr(JsonNode node, String otherwise) {
        return node.isTextual() ? node.asText() : otherwise;
    }
}
