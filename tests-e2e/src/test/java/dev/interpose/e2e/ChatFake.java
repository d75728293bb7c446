package dev.interpose.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fake OpenAI Chat Completions server ({@code POST /v1/chat/completions}): OpenAI's request schema checked as
 * strictly as OpenAI does (unknown top-level fields, roles, content part types, tool messages that answer no earlier
 * tool call are {@code 400 invalid_request_error}), streamed answers as {@code chat.completion.chunk}s ending in
 * {@code data: [DONE]}, with a usage chunk when {@code stream_options.include_usage} asks for one. Every answer has
 * the same id, as two answers of Ollama's may ({@code chatcmpl-} and a number below 999): the proxy must not hand
 * such an id on to Claude Code, which joins assistant messages that share one.
 */
final class ChatFake extends ApiFake {
    private static final Set<String> TOP = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "stop", "tools", "tool_choice", "parallel_tool_calls", "n",
            "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "user", "seed",
            "response_format", "reasoning_effort", "metadata", "store", "modalities", "prediction", "service_tier",
            "verbosity", "prompt_cache_key", "safety_identifier", "web_search_options", "audio");
    private static final Set<String> MESSAGE = Set.of("role", "content", "name", "tool_calls", "tool_call_id",
            "refusal", "reasoning_content");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    ChatFake() {
        super("/v1/chat/completions");
    }

    @Override
    List<String> problems(Received request) {
        JsonNode body = request.body();
        List<String> problems = newProblems();
        onlyKeys(body, TOP, "", problems);
        if (!body.path("model").isTextual()) {
            problems.add("model: a string is required");
        }
        if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
            problems.add("messages: a non-empty array is required");
        }
        Set<String> calls = new HashSet<>();
        int i = 0;
        for (JsonNode message : body.path("messages")) {
            message(message, "messages[" + i++ + "].", calls, problems);
        }
        i = 0;
        for (JsonNode tool : body.path("tools")) {
            String where = "tools[" + i++ + "].";
            onlyKeys(tool, Set.of("type", "function"), where, problems);
            if (!"function".equals(tool.path("type").asText()) || !tool.path("function").path("name").isTextual()) {
                problems.add(where + "function.name: a function tool with a name is required");
            }
            onlyKeys(tool.path("function"), Set.of("name", "description", "parameters", "strict"), where + "function.",
                    problems);
        }
        JsonNode choice = body.path("tool_choice");
        if (!choice.isMissingNode() && !(choice.isTextual() && Set.of("none", "auto", "required")
                .contains(choice.asText())) && !"function".equals(choice.path("type").asText())) {
            problems.add("tool_choice: " + choice + " is not a Chat tool_choice");
        }
        return problems;
    }

    private static void message(JsonNode message, String where, Set<String> calls, List<String> problems) {
        onlyKeys(message, MESSAGE, where, problems);
        String role = message.path("role").asText();
        if (!ROLES.contains(role)) {
            problems.add(where + "role: '" + role + "' is not one of " + ROLES);
        }
        JsonNode content = message.path("content");
        if (content.isArray()) {
            Set<String> types = role.equals("user") ? Set.of("text", "image_url", "input_audio", "file")
                    : role.equals("assistant") ? Set.of("text", "refusal") : Set.of("text");
            for (JsonNode part : content) {
                String type = part.path("type").asText();
                if (!types.contains(type)) {
                    problems.add(where + "content: part type '" + type + "' is not allowed for role " + role);
                } else if (type.equals("text") && !part.path("text").isTextual()) {
                    problems.add(where + "content: a text part needs a string text");
                } else if (type.equals("image_url") && !part.path("image_url").path("url").isTextual()) {
                    problems.add(where + "content: an image_url part needs image_url.url");
                }
            }
        } else if (!content.isTextual() && !(role.equals("assistant") && (content.isNull() || content.isMissingNode())
                && message.has("tool_calls"))) {
            problems.add(where + "content: a string or an array of parts is required");
        }
        for (JsonNode call : message.path("tool_calls")) {
            if (!role.equals("assistant") || !call.path("id").isTextual() || !"function".equals(call.path("type")
                    .asText()) || !call.path("function").path("name").isTextual()
                    || !call.path("function").path("arguments").isTextual()) {
                problems.add(where + "tool_calls: " + call + " is not an assistant's function call");
            }
            calls.add(call.path("id").asText());
        }
        if (role.equals("tool") && !calls.contains(message.path("tool_call_id").asText())) {
            problems.add(where + "tool_call_id: messages with role 'tool' must be a response to a preceding message"
                    + " with 'tool_calls' (no call " + message.path("tool_call_id") + ")");
        }
    }

    @Override
    String toolResult(JsonNode body, String callId) {
        for (JsonNode message : body.path("messages")) {
            if (message.path("role").asText().equals("tool") && message.path("tool_call_id").asText().equals(callId)) {
                JsonNode content = message.path("content");
                if (content.isTextual()) {
                    return content.asText();
                }
                StringBuilder text = new StringBuilder();
                content.forEach(p -> text.append(p.path("text").asText()));
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
        String id = "chatcmpl-7";
        List<String> events = new ArrayList<>();
        ObjectNode first = object().put("role", "assistant").put("content", "");
        events.add(chunk(id, first, null));
        for (String half : halves(text)) {
            events.add(chunk(id, object().put("content", half), null));
        }
        events.add(chunk(id, object(), "stop"));
        return finish(id, request, events, 9);
    }

    @Override
    List<String> toolCallEvents(JsonNode request, List<ToolCall> calls) {
        String id = "chatcmpl-7";
        List<String> events = new ArrayList<>();
        for (int index = 0; index < calls.size(); index++) {
            ToolCall call = calls.get(index);
            ObjectNode first = index == 0 ? object().put("role", "assistant").putNull("content") : object();
            ObjectNode head = first.putArray("tool_calls").addObject().put("index", index).put("id", call.id())
                    .put("type", "function");
            head.putObject("function").put("name", call.name()).put("arguments", "");
            events.add(chunk(id, first, null));
            for (String half : halves(call.arguments().toString())) {
                ObjectNode delta = object();
                delta.putArray("tool_calls").addObject().put("index", index).putObject("function")
                        .put("arguments", half);
                events.add(chunk(id, delta, null));
            }
        }
        events.add(chunk(id, object(), "tool_calls"));
        return finish(id, request, events, 21);
    }

    /** OpenAI sends the usage chunk only when the request asks for it. */
    private static List<String> finish(String id, JsonNode request, List<String> events, int completionTokens) {
        if (!request.path("stream_options").path("include_usage").asBoolean(false)) {
            events.add(data("[DONE]"));
            return events;
        }
        ObjectNode usage = base(id);
        usage.putArray("choices");
        usage.putObject("usage").put("prompt_tokens", 42).put("completion_tokens", completionTokens)
                .put("total_tokens", 42 + completionTokens);
        events.add(data(usage.toString()));
        events.add(data("[DONE]"));
        return events;
    }

    private static ObjectNode base(String id) {
        return object().put("id", id).put("object", "chat.completion.chunk").put("created", 1795278380)
                .put("model", "qwen3-coder").put("system_fingerprint", "fp_e2e");
    }

    private static String chunk(String id, ObjectNode delta, String finish) {
        ObjectNode chunk = base(id);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return data(chunk.toString());
    }
}
