package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Messages request (Claude Code's) as a Responses request. The system prompt (and later {@code role: system}
 * entries) becomes {@code instructions}; user text and images become a user message of {@code input_text}
 * and {@code input_image} (base64 as a data URL); assistant text an assistant message of {@code output_text};
 * a {@code tool_use} a {@code function_call} item whose {@code call_id} is the block's id, and its
 * {@code tool_result} a {@code function_call_output} of that id. Thinking that came from a Responses
 * upstream (its signature says so, see {@link ResponsesToMessagesAnswer#signature}) goes back as the
 * reasoning item it was; other thinking is Anthropic's and is dropped. Tools become functions; tool_choice,
 * the output limit, temperature and top_p carry over; {@code stop_sequences} has no Responses counterpart and
 * is dropped. Nothing is stored at the upstream ({@code store: false}). The result shares the request's values
 * (neither is changed). Stateless.
 */
final class MessagesToResponsesRequest {
    private MessagesToResponsesRequest() {
    }

    static ObjectNode translate(JsonNode request, TranslationOptions options) {
        ObjectNode out = Json.object();
        if (request.path("model").isTextual()) {
            out.put("model", request.path("model").asText());
        }
        TextJoin instructions = new TextJoin("\n\n").add(Json.systemPrompt(request.path("system"), "\n\n"));
        ArrayNode input = out.putArray("input");
        for (JsonNode message : request.path("messages")) {
            switch (message.path("role").asText()) {
                case "system": {
                    JsonNode text = Json.joined(message.path("content"), "\n\n");
                    if (!Json.isEmptyText(text)) {
                        instructions.add(text);
                    }
                    break;
                }
                case "assistant":
                    assistant(message.path("content"), input);
                    break;
                case "user":
                    user(message.path("content"), input);
                    break;
                default:
                    break;
            }
        }
        if (!instructions.isEmpty()) {
            out.set("instructions", instructions.node());
        }
        long maxTokens = Json.number(request, "max_tokens");
        if (maxTokens > 0) {
            out.put("max_output_tokens", options.maxTokens(maxTokens));
        }
        for (String field : new String[] {"temperature", "top_p"}) {
            if (request.path(field).isNumber()) {
                out.set(field, request.path(field));
            }
        }
        tools(request, out);
        out.put("store", false);
        if (request.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        return out;
    }

    private static void user(JsonNode content, ArrayNode input) {
        ArrayNode parts = Json.array();
        if (content.isTextual()) {
            parts.addObject().put("type", "input_text").set("text", content);
        }
        for (JsonNode block : content.isArray() ? content : Json.array()) {
            switch (block.path("type").asText()) {
                case "tool_result":
                    input.add(output(block));
                    break;
                case "text":
                    parts.addObject().put("type", "input_text").set("text", Json.textNode(block.path("text"), ""));
                    break;
                case "image": {
                    JsonNode url = imageUrl(block);
                    if (url != null) {
                        parts.addObject().put("type", "input_image").set("image_url", url);
                    }
                    break;
                }
                default:
                    break;
            }
        }
        if (!parts.isEmpty()) {
            input.addObject().put("type", "message").put("role", "user").set("content", parts);
        }
    }

    private static ObjectNode output(JsonNode result) {
        ObjectNode item = Json.object().put("type", "function_call_output").put("call_id", result.path("tool_use_id").asText());
        JsonNode content = result.path("content");
        if (content.isArray() && hasImage(content)) {
            ArrayNode parts = item.putArray("output");
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asText())) {
                    parts.addObject().put("type", "input_text").set("text", Json.textNode(part.path("text"), ""));
                } else if (imageUrl(part) != null) {
                    parts.addObject().put("type", "input_image").set("image_url", imageUrl(part));
                }
            }
        } else {
            item.set("output", Json.joined(content, "\n\n"));
        }
        return item;
    }

    private static boolean hasImage(JsonNode content) {
        for (JsonNode part : content) {
            if ("image".equals(part.path("type").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void assistant(JsonNode content, ArrayNode input) {
        if (content.isTextual()) {
            text(content, input);
            return;
        }
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text":
                    text(Json.textNode(block.path("text"), ""), input);
                    break;
                case "tool_use":
                    input.addObject().put("type", "function_call").put("call_id", block.path("id").asText())
                            .put("name", block.path("name").asText())
                            .put("arguments", Json.write(block.path("input").isObject() ? block.path("input") : Json.object()));
                    break;
                case "thinking": {
                    ObjectNode reasoning = ResponsesToMessagesAnswer.reasoningItem(block);
                    if (reasoning != null) {
                        input.add(reasoning);
                    }
                    break;
                }
                default:
                    break;
            }
        }
    }

    private static void text(JsonNode text, ArrayNode input) {
        if (!Json.isEmptyText(text)) {
            input.addObject().put("type", "message").put("role", "assistant").putArray("content").addObject()
                    .put("type", "output_text").set("text", text);
        }
    }

    private static JsonNode imageUrl(JsonNode block) {
        JsonNode source = block.path("source");
        if ("base64".equals(source.path("type").asText())) {
            return Json.dataUrl(source);
        }
        return "url".equals(source.path("type").asText()) ? Json.textNode(source.path("url")) : null;
    }

    private static void tools(JsonNode request, ObjectNode out) {
        ArrayNode tools = Json.array();
        for (JsonNode tool : request.path("tools")) {
            if (!"custom".equals(tool.path("type").asText("custom")) || !tool.path("name").isTextual()) {
                continue; // Anthropic's server tools
            }
            ObjectNode function = tools.addObject().put("type", "function").put("name", tool.path("name").asText());
            if (tool.path("description").isTextual()) {
                function.set("description", tool.path("description"));
            }
            function.set("parameters", tool.path("input_schema").isObject() ? tool.path("input_schema")
                    : Json.object().put("type", "object"));
            function.put("strict", false);
        }
        if (tools.isEmpty()) {
            return;
        }
        out.set("tools", tools);
        JsonNode choice = request.path("tool_choice");
        switch (choice.path("type").asText()) {
            case "any": out.put("tool_choice", "required"); break;
            case "none": out.put("tool_choice", "none"); break;
            case "tool": out.putObject("tool_choice").put("type", "function").put("name", choice.path("name").asText()); break;
            default: out.put("tool_choice", "auto");
        }
        out.put("parallel_tool_calls", !choice.path("disable_parallel_tool_use").asBoolean(false));
    }
}
