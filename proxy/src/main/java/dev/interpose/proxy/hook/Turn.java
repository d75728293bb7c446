package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and edits the newest turn of a model request, in the three shapes the CLIs send: Anthropic
 * Messages ({@code messages}), OpenAI Responses ({@code input}) and Chat Completions ({@code messages}).
 * The newest turn is either a typed prompt (the person's text, without the {@code <system-reminder>} and
 * {@code <environment_context>} blocks the CLIs inject) or tool results. Not thread-safe; one per request.
 */
abstract class Turn {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> INJECTED = List.of("<system-reminder>", "<environment_context>",
            "<user_instructions>", "<permissions instructions>");

    /** One tool call of the previous response and its result in this request. */
    record ToolResult(String name, JsonNode input, String output) {
    }

    /** The turn reader for a request path, or null when the path is not a model call the proxy understands. */
    static Turn forPath(String path) {
        if (path.endsWith("/messages")) {
            return new Anthropic();
        }
        if (path.endsWith("/responses")) {
            return new Responses();
        }
        if (path.endsWith("/chat/completions")) {
            return new Chat();
        }
        return null;
    }

    /** The typed prompt of the newest turn, or null when it is a tool-result turn (or there is none). */
    abstract String prompt(ObjectNode body);

    /** The tool results the newest turn carries, with the calls they answer. */
    abstract List<ToolResult> toolResults(ObjectNode body);

    /** Adds text the model sees with the newest turn. */
    abstract void addContext(ObjectNode body, String text);

    /** Replaces the typed prompt (keeping the injected blocks around it). */
    abstract void replacePrompt(ObjectNode body, String prompt);

    static boolean injected(String text) {
        String t = text.stripLeading();
        return INJECTED.stream().anyMatch(t::startsWith);
    }

    static JsonNode parseArguments(JsonNode arguments) {
        if (!arguments.isTextual()) {
            return arguments;
        }
        try {
            return JSON.readTree(arguments.asText());
        } catch (java.io.IOException e) {
            return arguments;
        }
    }

    /** The last element of {@code list} whose {@code role} is {@code role}, or null. */
    static ObjectNode last(JsonNode list, String role) {
        for (int i = list.size() - 1; i >= 0; i--) {
            if (role.equals(list.get(i).path("role").asText()) && list.get(i).isObject()) {
                return (ObjectNode) list.get(i);
            }
        }
        return null;
    }

    /** The text of a content that is a string or a list of parts with {@code text}. */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                out.append(out.length() == 0 ? "" : "\n").append(part.path("text").asText());
            }
        }
        return out.toString();
    }

    /**
     * The typed text of a message's content: a string as is; of a list, the {@code partType} parts that are
     * not injected blocks. Null when there is none.
     */
    static String typed(JsonNode content, String partType) {
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : content) {
            if (partType.equals(part.path("type").asText()) && !injected(part.path("text").asText())) {
                texts.add(part.path("text").asText());
            }
        }
        return texts.isEmpty() ? null : String.join("\n", texts);
    }

    /** The message's content as a list of parts (a string becomes one part), so parts can be added. */
    static ArrayNode parts(ObjectNode message, String partType) {
        JsonNode content = message.path("content");
        if (content.isArray()) {
            return (ArrayNode) content;
        }
        ArrayNode parts = message.putArray("content");
        if (content.isTextual()) {
            parts.addObject().put("type", partType).put("text", content.asText());
        }
        return parts;
    }

    /** Replaces the typed parts of a message with one part holding {@code prompt}, where the first one was. */
    static void replaceTyped(ObjectNode message, String partType, String prompt) {
        ArrayNode parts = parts(message, partType);
        int at = -1;
        for (int i = parts.size() - 1; i >= 0; i--) {
            JsonNode part = parts.get(i);
            if (partType.equals(part.path("type").asText()) && !injected(part.path("text").asText())) {
                parts.remove(i);
                at = i;
            }
        }
        ObjectNode replacement = JSON.createObjectNode().put("type", partType).put("text", prompt);
        parts.insert(at < 0 ? parts.size() : at, replacement);
    }

    /** Anthropic Messages: tool results are {@code tool_result} blocks answering earlier {@code tool_use} blocks. */
    static final class Anthropic extends Turn {
        @Override
        String prompt(ObjectNode body) {
            ObjectNode user = last(body.path("messages"), "user");
            if (user == null || hasToolResult(user)) {
                return null;
            }
            return typed(user.path("content"), "text");
        }

        private static boolean hasToolResult(JsonNode message) {
            for (JsonNode part : message.path("content")) {
                if ("tool_result".equals(part.path("type").asText())) {
                    return true;
                }
            }
            return false;
        }

        @Override
        List<ToolResult> toolResults(ObjectNode body) {
            List<ToolResult> out = new ArrayList<>();
            JsonNode messages = body.path("messages");
            ObjectNode user = last(messages, "user");
            if (user == null) {
                return out;
            }
            for (JsonNode part : user.path("content")) {
                if ("tool_result".equals(part.path("type").asText())) {
                    JsonNode use = find(messages, part.path("tool_use_id").asText());
                    out.add(new ToolResult(use.path("name").asText(null), use.path("input"), text(part.path("content"))));
                }
            }
            return out;
        }

        private static JsonNode find(JsonNode messages, String id) {
            for (JsonNode message : messages) {
                for (JsonNode part : message.path("content")) {
                    if ("tool_use".equals(part.path("type").asText()) && id.equals(part.path("id").asText())) {
                        return part;
                    }
                }
            }
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }

        @Override
        void addContext(ObjectNode body, String text) {
            ObjectNode user = last(body.path("messages"), "user");
            if (user != null) {
                parts(user, "text").addObject().put("type", "text").put("text", text);
            }
        }

        @Override
        void replacePrompt(ObjectNode body, String prompt) {
            ObjectNode user = last(body.path("messages"), "user");
            if (user != null) {
                replaceTyped(user, "text", prompt);
            }
        }
    }

    /**
     * OpenAI Responses: the newest turn is the last {@code input} item: a user message, or the
     * {@code function_call_output} items that answer earlier {@code function_call} items.
     */
    static final class Responses extends Turn {
        @Override
        String prompt(ObjectNode body) {
            JsonNode input = body.path("input");
            if (input.isTextual()) {
                return input.asText();
            }
            JsonNode newest = input.path(input.size() - 1);
            if (!"user".equals(newest.path("role").asText())) {
                return null;
            }
            return typed(newest.path("content"), "input_text");
        }

        @Override
        List<ToolResult> toolResults(ObjectNode body) {
            List<ToolResult> out = new ArrayList<>();
            JsonNode input = body.path("input");
            int first = input.size();
            while (first > 0 && "function_call_output".equals(input.get(first - 1).path("type").asText())) {
                first--;
            }
            for (int i = first; i < input.size(); i++) {
                JsonNode result = input.get(i);
                JsonNode call = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
                for (JsonNode item : input) {
                    if ("function_call".equals(item.path("type").asText())
                            && item.path("call_id").asText().equals(result.path("call_id").asText())) {
                        call = item;
                    }
                }
                out.add(new ToolResult(call.path("name").asText(null), parseArguments(call.path("arguments")),
                        result.path("output").isTextual() ? result.path("output").asText() : text(result.path("output"))));
            }
            return out;
        }

        @Override
        void addContext(ObjectNode body, String text) {
            JsonNode input = body.path("input");
            if (input.isTextual()) {
                ArrayNode items = body.putArray("input");
                items.addObject().put("type", "message").put("role", "user").putArray("content").addObject()
                        .put("type", "input_text").put("text", input.asText());
                input = items;
            }
            if (!input.isArray()) {
                return;
            }
            JsonNode newest = input.path(input.size() - 1);
            if ("user".equals(newest.path("role").asText()) && newest.isObject()) {
                parts((ObjectNode) newest, "input_text").addObject().put("type", "input_text").put("text", text);
            } else {
                ((ArrayNode) input).addObject().put("type", "message").put("role", "user").putArray("content")
                        .addObject().put("type", "input_text").put("text", text);
            }
        }

        @Override
        void replacePrompt(ObjectNode body, String prompt) {
            JsonNode input = body.path("input");
            if (input.isTextual()) {
                body.put("input", prompt);
                return;
            }
            JsonNode newest = input.path(input.size() - 1);
            if ("user".equals(newest.path("role").asText()) && newest.isObject()) {
                replaceTyped((ObjectNode) newest, "input_text", prompt);
            }
        }
    }

    /** Chat Completions: a {@code user} message, or {@code tool} messages answering {@code tool_calls}. */
    static final class Chat extends Turn {
        @Override
        String prompt(ObjectNode body) {
            JsonNode messages = body.path("messages");
            JsonNode newest = messages.path(messages.size() - 1);
            return "user".equals(newest.path("role").asText()) ? typed(newest.path("content"), "text") : null;
        }

        @Override
        List<ToolResult> toolResults(ObjectNode body) {
            List<ToolResult> out = new ArrayList<>();
            JsonNode messages = body.path("messages");
            int first = messages.size();
            while (first > 0 && "tool".equals(messages.get(first - 1).path("role").asText())) {
                first--;
            }
            for (int i = first; i < messages.size(); i++) {
                JsonNode result = messages.get(i);
                JsonNode call = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
                for (JsonNode message : messages) {
                    for (JsonNode c : message.path("tool_calls")) {
                        if (c.path("id").asText().equals(result.path("tool_call_id").asText())) {
                            call = c.path("function");
                        }
                    }
                }
                out.add(new ToolResult(call.path("name").asText(null), parseArguments(call.path("arguments")),
                        text(result.path("content"))));
            }
            return out;
        }

        @Override
        void addContext(ObjectNode body, String text) {
            JsonNode messages = body.path("messages");
            if (messages.isArray()) {
                ((ArrayNode) messages).addObject().put("role", "user").put("content", text);
            }
        }

        @Override
        void replacePrompt(ObjectNode body, String prompt) {
            JsonNode messages = body.path("messages");
            JsonNode newest = messages.path(messages.size() - 1);
            if (newest.isObject()) {
                ((ObjectNode) newest).put("content", prompt);
            }
        }
    }
}
