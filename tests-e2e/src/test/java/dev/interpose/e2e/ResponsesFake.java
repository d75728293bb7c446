package dev.interpose.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fake OpenAI Responses server ({@code POST /v1/responses}): the request schema checked as OpenAI does (unknown
 * top-level fields such as {@code messages} or {@code system}, input items and content parts of other APIs, tools
 * in Chat's nested shape, a {@code function_call_output} for no earlier {@code function_call} are
 * {@code 400 invalid_request_error}), and streamed answers in the grammar of {@code ../shared/fixtures}'
 * Responses transcripts: {@code response.created} … {@code response.completed} with sequence numbers.
 */
final class ResponsesFake extends ApiFake {
    private static final Set<String> TOP = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "stream", "stream_options", "store", "include", "reasoning", "text",
            "max_output_tokens", "max_tool_calls", "temperature", "top_p", "top_logprobs", "metadata",
            "previous_response_id", "prompt_cache_key", "truncation", "user", "service_tier", "background",
            "safety_identifier", "conversation", "prompt");
    private static final Map<String, Set<String>> PARTS = Map.of(
            "user", Set.of("input_text", "input_image", "input_file"),
            "system", Set.of("input_text"),
            "developer", Set.of("input_text"),
            "assistant", Set.of("output_text", "refusal"));

    ResponsesFake() {
        super("/v1/responses");
    }

    @Override
    List<String> problems(Received request) {
        JsonNode body = request.body();
        List<String> problems = newProblems();
        onlyKeys(body, TOP, "", problems);
        if (!body.path("model").isTextual()) {
            problems.add("model: a string is required");
        }
        JsonNode input = body.path("input");
        if (!input.isTextual() && !input.isArray()) {
            problems.add("input: a string or an array of items is required");
        }
        if (body.has("max_output_tokens") && body.path("max_output_tokens").asInt() < 16) {
            problems.add("max_output_tokens: must be at least 16");
        }
        Set<String> calls = new HashSet<>();
        int i = 0;
        for (JsonNode item : input.isArray() ? input : List.<JsonNode>of()) {
            item(item, "input[" + i++ + "].", calls, problems);
        }
        i = 0;
        for (JsonNode tool : body.path("tools")) {
            String where = "tools[" + i++ + "].";
            if (tool.path("type").asText().equals("function")) {
                onlyKeys(tool, Set.of("type", "name", "description", "parameters", "strict"), where, problems);
                if (!tool.path("name").isTextual()) {
                    problems.add(where + "name: a function tool needs a name");
                }
            } else if (!Set.of("custom", "web_search", "web_search_preview", "file_search", "local_shell",
                    "image_generation", "code_interpreter", "mcp").contains(tool.path("type").asText())) {
                problems.add(where + "type: '" + tool.path("type").asText() + "' is not a Responses tool type");
            }
        }
        return problems;
    }

    private static void item(JsonNode item, String where, Set<String> calls, List<String> problems) {
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> {
                onlyKeys(item, Set.of("type", "role", "content", "id", "status"), where, problems);
                String role = item.path("role").asText();
                Set<String> parts = PARTS.get(role);
                if (parts == null) {
                    problems.add(where + "role: '" + role + "' is not one of " + PARTS.keySet());
                    return;
                }
                JsonNode content = item.path("content");
                if (content.isArray()) {
                    for (JsonNode part : content) {
                        if (!parts.contains(part.path("type").asText())) {
                            problems.add(where + "content: part type '" + part.path("type").asText()
                                    + "' is not allowed for role " + role);
                        }
                    }
                } else if (!content.isTextual()) {
                    problems.add(where + "content: a string or an array of parts is required");
                }
            }
            case "function_call" -> {
                onlyKeys(item, Set.of("type", "call_id", "name", "arguments", "id", "status"), where, problems);
                if (!item.path("call_id").isTextual() || !item.path("name").isTextual()
                        || !item.path("arguments").isTextual()) {
                    problems.add(where + "a function_call needs call_id, name and string arguments");
                }
                calls.add(item.path("call_id").asText());
            }
            case "function_call_output" -> {
                onlyKeys(item, Set.of("type", "call_id", "output", "id", "status"), where, problems);
                if (!calls.contains(item.path("call_id").asText())) {
                    problems.add(where + "No tool call found for function call output with call_id "
                            + item.path("call_id"));
                }
                if (!item.path("output").isTextual() && !item.path("output").isArray()) {
                    problems.add(where + "output: a string or an array is required");
                }
            }
            case "reasoning" -> onlyKeys(item, Set.of("type", "id", "summary", "encrypted_content", "content",
                    "status"), where, problems);
            case "custom_tool_call", "custom_tool_call_output", "item_reference" -> {
            }
            default -> problems.add(where + "type: '" + type + "' is not a Responses input item");
        }
    }

    @Override
    String toolResult(JsonNode body, String callId) {
        for (JsonNode item : body.path("input")) {
            if (item.path("type").asText().equals("function_call_output")
                    && item.path("call_id").asText().equals(callId)) {
                JsonNode output = item.path("output");
                if (output.isTextual()) {
                    return output.asText();
                }
                StringBuilder text = new StringBuilder();
                output.forEach(p -> text.append(p.path("text").asText()));
                return text.toString();
            }
        }
        return null;
    }

    @Override
    String errorBody(int status, String message) {
        ObjectNode error = object();
        error.putObject("error").put("message", message).put("type", "invalid_request_error").putNull("param")
                .putNull("code");
        return error.toString();
    }

    @Override
    List<String> textEvents(JsonNode request, String text) {
        String id = answerId("msg_");
        ObjectNode item = object().put("id", id).put("type", "message").put("status", "in_progress")
                .put("role", "assistant");
        item.putArray("content");
        Events events = new Events(answerId("resp_"), request);
        events.add("response.output_item.added", object().put("output_index", 0).set("item", item.deepCopy()));
        ObjectNode part = object().put("type", "output_text").put("text", "");
        part.putArray("annotations");
        events.add("response.content_part.added", where(id).set("part", part.deepCopy()));
        for (String half : halves(text)) {
            events.add("response.output_text.delta", where(id).put("delta", half));
        }
        events.add("response.output_text.done", where(id).put("text", text));
        part.put("text", text);
        events.add("response.content_part.done", where(id).set("part", part));
        item.put("status", "completed");
        ((ArrayNode) item.get("content")).add(part);
        events.add("response.output_item.done", object().put("output_index", 0).set("item", item));
        return events.completed(List.of(item), 9);
    }

    @Override
    List<String> toolCallEvents(JsonNode request, List<ToolCall> calls) {
        Events events = new Events(answerId("resp_"), request);
        List<ObjectNode> items = new ArrayList<>();
        for (int index = 0; index < calls.size(); index++) {
            ToolCall call = calls.get(index);
            String id = answerId("fc_");
            ObjectNode item = object().put("id", id).put("type", "function_call").put("status", "in_progress")
                    .put("call_id", call.id()).put("name", call.name()).put("arguments", "");
            events.add("response.output_item.added", object().put("output_index", index).set("item", item.deepCopy()));
            String arguments = call.arguments().toString();
            for (String half : halves(arguments)) {
                events.add("response.function_call_arguments.delta", object().put("item_id", id)
                        .put("output_index", index).put("delta", half));
            }
            events.add("response.function_call_arguments.done", object().put("item_id", id)
                    .put("output_index", index).put("name", call.name()).put("arguments", arguments));
            item.put("status", "completed").put("arguments", arguments);
            events.add("response.output_item.done", object().put("output_index", index).set("item", item));
            items.add(item);
        }
        return events.completed(items, 21);
    }

    private static ObjectNode where(String itemId) {
        return object().put("item_id", itemId).put("output_index", 0).put("content_index", 0);
    }

    /** The events of one response, numbered, opened by {@code response.created} and {@code response.in_progress}. */
    private static final class Events {
        private final List<String> events = new ArrayList<>();
        private final String id;
        private final JsonNode request;
        private int sequence;

        Events(String id, JsonNode request) {
            this.id = id;
            this.request = request;
            add("response.created", object().set("response", response("in_progress", List.of(), null)));
            add("response.in_progress", object().set("response", response("in_progress", List.of(), null)));
        }

        void add(String type, ObjectNode data) {
            ObjectNode event = object().put("type", type).put("sequence_number", sequence++);
            event.setAll(data);
            events.add(event(type, event));
        }

        List<String> completed(List<ObjectNode> items, int outputTokens) {
            ObjectNode usage = object().put("input_tokens", 42);
            usage.putObject("input_tokens_details").put("cached_tokens", 0);
            usage.put("output_tokens", outputTokens);
            usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
            usage.put("total_tokens", 42 + outputTokens);
            add("response.completed", object().set("response", response("completed", items, usage)));
            return events;
        }

        private ObjectNode response(String status, List<ObjectNode> items, ObjectNode usage) {
            ObjectNode response = object().put("id", id).put("object", "response")
                    .put("created_at", 1795278380).put("status", status).putNull("error")
                    .putNull("incomplete_details").put("model", request.path("model").asText());
            ArrayNode output = response.putArray("output");
            output.addAll(items);
            response.put("parallel_tool_calls", true).put("store", false).put("tool_choice", "auto");
            response.putArray("tools");
            response.set("usage", usage);
            response.putObject("metadata");
            return response;
        }
    }
}
