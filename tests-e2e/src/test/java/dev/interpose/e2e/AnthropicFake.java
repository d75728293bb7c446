package dev.interpose.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fake Anthropic Messages server ({@code POST /v1/messages}): the request checked as Anthropic does (no
 * {@code anthropic-version} header, unknown top-level fields such as Responses' {@code input} or
 * {@code instructions} — "Extra inputs are not permitted" —, roles other than user and assistant, unknown or empty
 * content blocks, a {@code tool_use} not answered by a {@code tool_result} in the next message, tools without
 * {@code input_schema} are {@code 400 invalid_request_error} in Anthropic's error shape), and streamed answers in the
 * grammar of {@code ../shared/fixtures}' Messages transcripts, {@code ping} included.
 */
final class AnthropicFake extends ApiFake {
    private static final Set<String> TOP = Set.of("model", "messages", "system", "max_tokens", "metadata",
            "stop_sequences", "stream", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking",
            "service_tier", "container", "mcp_servers", "context_management");
    private static final Set<String> BLOCKS = Set.of("text", "image", "document", "tool_use", "tool_result",
            "thinking", "redacted_thinking", "search_result");

    AnthropicFake() {
        super("/v1/messages");
    }

    @Override
    List<String> problems(Received request) {
        JsonNode body = request.body();
        List<String> problems = newProblems();
        if (request.header("anthropic-version") == null) {
            problems.add("anthropic-version: header is required");
        }
        body.fieldNames().forEachRemaining(k -> {
            if (!TOP.contains(k)) {
                problems.add(k + ": Extra inputs are not permitted");
            }
        });
        if (!body.path("model").isTextual()) {
            problems.add("model: Field required");
        }
        if (!body.path("max_tokens").isInt() || body.path("max_tokens").asInt() < 1) {
            problems.add("max_tokens: Field required");
        }
        JsonNode system = body.path("system");
        if (!system.isMissingNode() && !system.isTextual()) {
            blocks(system, "system.", Set.of("text"), problems);
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            problems.add("messages: a non-empty array is required");
        }
        Set<String> open = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String where = "messages." + i + ".";
            String role = message.path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                problems.add(where + "role: Input should be 'user' or 'assistant'");
            }
            JsonNode content = message.path("content");
            if (!content.isTextual()) {
                blocks(content, where + "content.", role.equals("user") ? BLOCKS : Set.of("text", "tool_use",
                        "thinking", "redacted_thinking"), problems);
            }
            Set<String> answered = new HashSet<>();
            for (JsonNode block : content.isArray() ? content : List.<JsonNode>of()) {
                if (block.path("type").asText().equals("tool_result")) {
                    answered.add(block.path("tool_use_id").asText());
                }
            }
            if (!answered.equals(open) && !(open.isEmpty() && answered.isEmpty())) {
                problems.add(where + "content: tool_use ids " + open + " must be answered by tool_result blocks "
                        + "immediately after, found " + answered);
            }
            open.clear();
            for (JsonNode block : content.isArray() ? content : List.<JsonNode>of()) {
                if (block.path("type").asText().equals("tool_use")) {
                    open.add(block.path("id").asText());
                }
            }
        }
        int i = 0;
        for (JsonNode tool : body.path("tools")) {
            String where = "tools." + i++ + ".";
            if (!tool.has("type") || tool.path("type").asText().equals("custom")) {
                onlyKeys(tool, Set.of("type", "name", "description", "input_schema", "cache_control"), where,
                        problems);
                if (!tool.path("name").isTextual() || !tool.path("input_schema").isObject()) {
                    problems.add(where + "a custom tool needs a name and an input_schema object");
                }
            }
        }
        JsonNode choice = body.path("tool_choice");
        if (!choice.isMissingNode() && !Set.of("auto", "any", "tool", "none").contains(choice.path("type").asText())) {
            problems.add("tool_choice: " + choice + " is not an Anthropic tool_choice");
        }
        return problems;
    }

    private static void blocks(JsonNode content, String where, Set<String> allowed, List<String> problems) {
        if (!content.isArray()) {
            problems.add(where + " a string or a list of content blocks is required");
            return;
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String type = block.path("type").asText();
            if (!allowed.contains(type)) {
                problems.add(where + i + ".type: '" + type + "' is not a valid content block here");
            } else if (type.equals("text") && block.path("text").asText("").isEmpty()) {
                problems.add(where + i + ".text: text content blocks must be non-empty");
            } else if (type.equals("tool_use") && (!block.path("id").isTextual() || !block.path("input").isObject())) {
                problems.add(where + i + ": a tool_use needs an id and an input object");
            } else if (type.equals("tool_result") && !block.path("tool_use_id").isTextual()) {
                problems.add(where + i + ".tool_use_id: Field required");
            }
        }
    }

    @Override
    String toolResult(JsonNode body, String callId) {
        for (JsonNode message : body.path("messages")) {
            for (JsonNode block : message.path("content")) {
                if (block.path("type").asText().equals("tool_result")
                        && block.path("tool_use_id").asText().equals(callId)) {
                    JsonNode content = block.path("content");
                    if (content.isTextual()) {
                        return content.asText();
                    }
                    StringBuilder text = new StringBuilder();
                    content.forEach(p -> text.append(p.path("text").asText()));
                    return text.toString();
                }
            }
        }
        return null;
    }

    @Override
    String errorBody(int status, String message) {
        ObjectNode error = object().put("type", "error");
        error.putObject("error").put("type", status == 404 ? "not_found_error" : "invalid_request_error")
                .put("message", message);
        return error.toString();
    }

    @Override
    List<String> textEvents(JsonNode request, String text) {
        List<String> events = new ArrayList<>();
        events.add(messageStart(request));
        events.add(blockStart(0, object().put("type", "text").put("text", "")));
        events.add(event("ping", object().put("type", "ping")));
        for (String half : halves(text)) {
            events.add(delta(0, object().put("type", "text_delta").put("text", half)));
        }
        events.add(event("content_block_stop", object().put("type", "content_block_stop").put("index", 0)));
        return finish(events, "end_turn", 9);
    }

    @Override
    List<String> toolCallEvents(JsonNode request, List<ToolCall> calls) {
        List<String> events = new ArrayList<>();
        events.add(messageStart(request));
        events.add(blockStart(0, object().put("type", "text").put("text", "")));
        events.add(event("ping", object().put("type", "ping")));
        events.add(delta(0, object().put("type", "text_delta").put("text", "Running it.")));
        events.add(event("content_block_stop", object().put("type", "content_block_stop").put("index", 0)));
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            int index = i + 1;
            ObjectNode use = object().put("type", "tool_use").put("id", call.id()).put("name", call.name());
            use.putObject("input");
            events.add(blockStart(index, use));
            for (String half : halves(call.arguments().toString())) {
                events.add(delta(index, object().put("type", "input_json_delta").put("partial_json", half)));
            }
            events.add(event("content_block_stop", object().put("type", "content_block_stop").put("index", index)));
        }
        return finish(events, "tool_use", 38);
    }

    private String messageStart(JsonNode request) {
        ObjectNode message = object().put("id", answerId("msg_")).put("type", "message").put("role", "assistant")
                .put("model", request.path("model").asText());
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.set("usage", usage(1));
        return event("message_start", object().put("type", "message_start").set("message", message));
    }

    private static ObjectNode usage(int outputTokens) {
        return object().put("input_tokens", 42).put("output_tokens", outputTokens)
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0);
    }

    private static String blockStart(int index, ObjectNode block) {
        return event("content_block_start", object().put("type", "content_block_start").put("index", index)
                .set("content_block", block));
    }

    private static String delta(int index, ObjectNode delta) {
        return event("content_block_delta", object().put("type", "content_block_delta").put("index", index)
                .set("delta", delta));
    }

    private static List<String> finish(List<String> events, String stopReason, int outputTokens) {
        ObjectNode delta = object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        delta.set("usage", usage(outputTokens));
        events.add(event("message_delta", delta));
        events.add(event("message_stop", object().put("type", "message_stop")));
        return events;
    }
}
