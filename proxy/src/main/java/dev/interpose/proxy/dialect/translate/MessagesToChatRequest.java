package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Messages request as a Chat Completions request. The system prompt (a string or blocks, and the
 * {@code role: system} entries Claude Code puts later in {@code messages}) becomes one leading system message:
 * many chat templates (Qwen's among them) refuse a system message anywhere else. Text and images (base64 as a
 * data URL, or a URL) keep their order; an assistant's {@code tool_use} blocks become its {@code tool_calls}
 * (same ids); a user's {@code tool_result} blocks become {@code role: tool} messages right after it, with the
 * images a result holds in a user message after them (a tool message holds text only). Tools become
 * functions with the same JSON schema; {@code tool_choice}, the output limit, temperature, top_p and stop
 * sequences carry over; thinking, cache markers, metadata and the other Anthropic-only keys are dropped.
 * A stream asks for the usage chunk. The result shares the request's values (its strings, its schemas):
 * neither is changed, and the result is written out at once ({@link Call}). Stateless.
 */
final class MessagesToChatRequest {
    private MessagesToChatRequest() {
    }

    static ObjectNode translate(JsonNode request, TranslationOptions options) {
        ObjectNode chat = Json.object();
        if (request.path("model").isTextual()) {
            chat.put("model", request.path("model").asText());
        }
        ArrayNode messages = chat.putArray("messages");
        JsonNode system = system(request);
        if (!Json.isEmptyText(system)) {
            messages.addObject().put("role", "system").set("content", system);
        }
        for (JsonNode message : request.path("messages")) {
            String role = message.path("role").asText();
            if ("assistant".equals(role)) {
                assistant(message.path("content"), messages);
            } else if ("user".equals(role)) {
                user(message.path("content"), messages);
            }
        }
        long maxTokens = Json.number(request, "max_tokens");
        if (maxTokens > 0) {
            chat.put("max_tokens", options.maxTokens(maxTokens));
        }
        copyNumber(request, "temperature", chat);
        copyNumber(request, "top_p", chat);
        if (request.path("stop_sequences").isArray() && request.path("stop_sequences").size() > 0) {
            chat.set("stop", request.path("stop_sequences"));
        }
        tools(request, chat);
        if (request.path("stream").asBoolean(false)) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true);
        }
        return chat;
    }

    /** The top-level system prompt, then the text of each later {@code role: system} entry. */
    private static JsonNode system(JsonNode request) {
        TextJoin parts = new TextJoin("\n\n");
        JsonNode top = Json.systemPrompt(request.path("system"), "\n\n");
        if (!Json.isEmptyText(top)) {
            parts.add(top);
        }
        for (JsonNode message : request.path("messages")) {
            if ("system".equals(message.path("role").asText())) {
                JsonNode text = Json.joined(message.path("content"), "\n\n");
                if (!Json.isEmptyText(text)) {
                    parts.add(text);
                }
            }
        }
        return parts.node();
    }

    private static void assistant(JsonNode content, ArrayNode messages) {
        ObjectNode message = Json.object().put("role", "assistant");
        TextJoin text = new TextJoin("\n\n");
        ArrayNode calls = Json.array();
        if (content.isTextual()) {
            text.add(content);
        }
        for (JsonNode block : content.isArray() ? content : Json.array()) {
            String type = block.path("type").asText();
            if ("text".equals(type)) {
                text.add(Json.textNode(block.path("text"), ""));
            } else if ("tool_use".equals(type)) {
                ObjectNode call = calls.addObject().put("id", block.path("id").asText()).put("type", "function");
                call.putObject("function").put("name", block.path("name").asText())
                        .put("arguments", Json.write(block.path("input").isMissingNode() ? Json.object() : block.path("input")));
            } // thinking (its signature is Anthropic's) and server tools: nothing a Chat upstream can take back
        }
        if (text.isEmpty() && calls.isEmpty()) {
            return; // an empty assistant turn (thinking only) says nothing a Chat model can take
        }
        if (!text.isEmpty()) {
            message.set("content", text.node());
        } else {
            message.putNull("content");
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        messages.add(message);
    }

    private static void user(JsonNode content, ArrayNode messages) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").set("content", content);
            return;
        }
        ArrayNode parts = Json.array();
        for (JsonNode block : content) {
            String type = block.path("type").asText();
            if ("tool_result".equals(type)) {
                toolResult(block, messages, parts);
            } else if ("text".equals(type)) {
                parts.addObject().put("type", "text").set("text", Json.textNode(block.path("text"), ""));
            } else if ("image".equals(type)) {
                image(block, parts);
            } else if ("document".equals(type) && block.path("source").path("type").asText().equals("text")) {
                parts.addObject().put("type", "text").set("text", Json.textNode(block.path("source").path("data"), ""));
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode user = messages.addObject().put("role", "user");
        if (allText(parts)) {
            user.set("content", Json.joined(parts, "\n\n"));
        } else {
            user.set("content", parts);
        }
    }

    /** A tool result as a tool message; the images it holds go to the user message that follows. */
    private static void toolResult(JsonNode block, ArrayNode messages, ArrayNode userParts) {
        JsonNode content = block.path("content");
        TextJoin text = new TextJoin("\n\n");
        if (content.isTextual()) {
            text.add(content);
        }
        for (JsonNode part : content.isArray() ? content : Json.array()) {
            if ("text".equals(part.path("type").asText())) {
                text.add(Json.textNode(part.path("text"), ""));
            } else if ("image".equals(part.path("type").asText())) {
                image(part, userParts);
            }
        }
        if (block.path("is_error").asBoolean(false) && text.isEmpty()) {
            text.add("error");
        }
        messages.addObject().put("role", "tool").put("tool_call_id", block.path("tool_use_id").asText())
                .set("content", text.node());
    }

    private static void image(JsonNode block, ArrayNode parts) {
        JsonNode source = block.path("source");
        JsonNode url;
        if ("base64".equals(source.path("type").asText())) {
            url = Json.dataUrl(source);
        } else if ("url".equals(source.path("type").asText())) {
            url = Json.textNode(source.path("url"), "");
        } else {
            return; // a file id: only Anthropic's Files API knows it
        }
        parts.addObject().put("type", "image_url").putObject("image_url").set("url", url);
    }

    private static boolean allText(ArrayNode parts) {
        for (JsonNode part : parts) {
            if (!"text".equals(part.path("type").asText())) {
                return false;
            }
        }
        return true;
    }

    private static void tools(JsonNode request, ObjectNode chat) {
        ArrayNode tools = Json.array();
        for (JsonNode tool : request.path("tools")) {
            String type = tool.path("type").asText("custom");
            if (!"custom".equals(type) || !tool.path("name").isTextual()) {
                continue; // Anthropic's server tools (web search, code execution…) run only on Anthropic
            }
            ObjectNode function = tools.addObject().put("type", "function").putObject("function");
            function.put("name", tool.path("name").asText());
            if (tool.path("description").isTextual()) {
                function.set("description", tool.path("description"));
            }
            function.set("parameters", tool.path("input_schema").isObject() ? tool.path("input_schema")
                    : Json.object().put("type", "object"));
        }
        if (tools.isEmpty()) {
            return;
        }
        chat.set("tools", tools);
        JsonNode choice = request.path("tool_choice");
        switch (choice.path("type").asText()) {
            case "any":
                chat.put("tool_choice", "required");
                break;
            case "none":
                chat.put("tool_choice", "none");
                break;
            case "tool":
                chat.putObject("tool_choice").put("type", "function").putObject("function")
                        .put("name", choice.path("name").asText());
                break;
            case "auto":
                chat.put("tool_choice", "auto");
                break;
            default:
                break;
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            chat.put("parallel_tool_calls", false);
        }
    }

    private static void copyNumber(JsonNode from, String field, ObjectNode to) {
        if (from.path(field).isNumber()) {
            to.set(field, from.path(field));
        }
    }
}
