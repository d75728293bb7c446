package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Responses request (Codex's) as a Messages request. {@code instructions} and every developer or system
 * message (Codex sends its system prompt as {@code input[0]}, a developer message) become the system prompt;
 * user and assistant messages keep their text and images (a data URL as base64, else a URL); a
 * {@code function_call} (or {@code custom_tool_call}) item becomes the assistant's {@code tool_use} with its
 * {@code call_id} as the id, and its output item the {@code tool_result} of that id in the next user turn;
 * items of one role in a row make one turn, as the Messages API wants. Reasoning items are OpenAI's own
 * (their encrypted content means nothing to Claude) and are dropped, as are hosted tool calls. The system
 * prompt and the newest turn get a cache breakpoint each, so a long agent session is read from Anthropic's
 * prompt cache rather than paid in full every turn. Stateless.
 */
final class ResponsesToMessagesRequest {
    private ResponsesToMessagesRequest() {
    }

    /** The Messages request and what its answer must say back. */
    record Result(ObjectNode body, ResponsesShape shape) {
    }

    static Result translate(JsonNode request, TranslationOptions options) {
        ResponsesTools tools = new ResponsesTools();
        tools.add(request.path("tools"));
        for (JsonNode item : request.path("input")) {
            if ("additional_tools".equals(item.path("type").asText())) {
                tools.add(item.path("tools"));
            }
        }
        ObjectNode out = Json.object();
        if (request.path("model").isTextual()) {
            out.put("model", request.path("model").asText());
        }
        out.put("max_tokens", options.maxTokens(Json.number(request, "max_output_tokens")));
        List<String> system = new ArrayList<>();
        if (request.path("instructions").isTextual() && !request.path("instructions").asText().isEmpty()) {
            system.add(request.path("instructions").asText());
        }
        Turns turns = new Turns();
        JsonNode input = request.path("input");
        if (input.isTextual()) {
            turns.add("user", text(input.asText()));
        }
        for (JsonNode item : input.isArray() ? input : Json.array()) {
            item(item, tools, system, turns);
        }
        if (!system.isEmpty()) {
            ObjectNode block = out.putArray("system").addObject().put("type", "text").put("text", String.join("\n\n", system));
            block.putObject("cache_control").put("type", "ephemeral");
        }
        out.set("messages", turns.messages());
        for (String field : new String[] {"temperature", "top_p"}) {
            if (request.path(field).isNumber()) {
                out.set(field, request.path(field).deepCopy());
            }
        }
        tools.write(request, out);
        if (request.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        return new Result(out, tools.shape(request));
    }

    private static void item(JsonNode item, ResponsesTools tools, List<String> system, Turns turns) {
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message":
                message(item, system, turns);
                break;
            case "function_call": {
                ObjectNode use = Json.object().put("type", "tool_use").put("id", item.path("call_id").asText());
                use.put("name", tools.nameOf(item.path("name").asText(), Json.text(item.path("namespace"))));
                use.set("input", Json.arguments(Json.text(item.path("arguments"))));
                turns.add("assistant", use);
                break;
            }
            case "custom_tool_call": {
                ObjectNode use = Json.object().put("type", "tool_use").put("id", item.path("call_id").asText());
                use.put("name", item.path("name").asText());
                use.putObject("input").put("input", item.path("input").asText(""));
                turns.add("assistant", use);
                break;
            }
            case "function_call_output":
            case "custom_tool_call_output":
                turns.add("user", toolResult(item));
                break;
            default:
                break; // reasoning, hosted tool calls, item references, additional_tools (read above)
        }
    }

    private static void message(JsonNode item, List<String> system, Turns turns) {
        String role = item.path("role").asText();
        JsonNode content = item.path("content");
        if ("developer".equals(role) || "system".equals(role)) {
            String text = Json.joinedText(content, "\n\n");
            if (!text.isEmpty()) {
                system.add(text);
            }
            return;
        }
        String turn = "assistant".equals(role) ? "assistant" : "user";
        if (content.isTextual()) {
            turns.add(turn, text(content.asText()));
            return;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if ("input_text".equals(type) || "output_text".equals(type) || "text".equals(type) || "refusal".equals(type)) {
                turns.add(turn, text(part.path("refusal".equals(type) ? "refusal" : "text").asText("")));
            } else if ("input_image".equals(type)) {
                turns.add(turn, image(part.path("image_url")));
            }
        }
    }

    private static ObjectNode toolResult(JsonNode item) {
        ObjectNode result = Json.object().put("type", "tool_result").put("tool_use_id", item.path("call_id").asText());
        JsonNode output = item.path("output");
        if (output.isObject() && output.has("content")) {
            output = output.path("content"); // the older {content, success} shape
        }
        if (output.isArray()) {
            ArrayNode parts = result.putArray("content");
            for (JsonNode part : output) {
                if ("input_image".equals(part.path("type").asText())) {
                    ObjectNode image = image(part.path("image_url"));
                    if (image != null) {
                        parts.add(image);
                    }
                } else if (part.path("text").isTextual() && !part.path("text").asText().isEmpty()) {
                    parts.add(text(part.path("text").asText()));
                }
            }
        } else {
            result.put("content", output.isTextual() ? output.asText() : output.isMissingNode() ? "" : Json.write(output));
        }
        return result;
    }

    private static ObjectNode text(String text) {
        return text.isEmpty() ? null : Json.object().put("type", "text").put("text", text);
    }

    /** An image block for an {@code image_url} (a data URL or a URL), or null. */
    static ObjectNode image(JsonNode imageUrl) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText("");
        ObjectNode block = Json.object().put("type", "image");
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            int semicolon = url.indexOf(";base64");
            if (comma < 0 || semicolon < 0 || semicolon > comma) {
                return null;
            }
            block.putObject("source").put("type", "base64").put("media_type", url.substring(5, semicolon))
                    .put("data", url.substring(comma + 1));
        } else if (url.startsWith("http://") || url.startsWith("https://")) {
            block.putObject("source").put("type", "url").put("url", url);
        } else {
            return null;
        }
        return block;
    }
}
