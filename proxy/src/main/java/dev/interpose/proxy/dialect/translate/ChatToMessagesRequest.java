package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Chat Completions request as a Messages request. System and developer messages become the system
 * prompt; user text and images (a data URL as base64, else a URL) keep their order; an assistant's
 * {@code tool_calls} become its {@code tool_use} blocks (same ids, arguments parsed) and each {@code role:
 * tool} message the {@code tool_result} of its {@code tool_call_id}, all in the turns the Messages API wants
 * (see {@link Turns}). Functions become tools; {@code tool_choice} and {@code parallel_tool_calls} carry
 * over; {@code max_completion_tokens} or {@code max_tokens} is the limit (the Messages API needs one);
 * temperature is kept within Anthropic's 0 to 1; {@code stop} becomes {@code stop_sequences}. The system
 * prompt and the newest block get cache breakpoints. Stateless.
 */
final class ChatToMessagesRequest {
    private ChatToMessagesRequest() {
    }

    static ObjectNode translate(JsonNode request, TranslationOptions options) {
        ObjectNode out = Json.object();
        if (request.path("model").isTextual()) {
            out.put("model", request.path("model").asText());
        }
        long limit = Json.number(request, "max_completion_tokens");
        out.put("max_tokens", options.maxTokens(limit > 0 ? limit : Json.number(request, "max_tokens")));
        List<String> system = new ArrayList<>();
        Turns turns = new Turns();
        for (JsonNode message : request.path("messages")) {
            switch (message.path("role").asText()) {
                case "system":
                case "developer": {
                    String text = Json.joinedText(message.path("content"), "\n\n");
                    if (!text.isEmpty()) {
                        system.add(text);
                    }
                    break;
                }
                case "user":
                    content(message.path("content"), "user", turns);
                    break;
                case "assistant":
                    content(message.path("content"), "assistant", turns);
                    for (JsonNode call : message.path("tool_calls")) {
                        ObjectNode use = Json.object().put("type", "tool_use").put("id", call.path("id").asText());
                        use.put("name", call.path("function").path("name").asText());
                        use.set("input", Json.arguments(Json.text(call.path("function").path("arguments"))));
                        turns.add("assistant", use);
                    }
                    break;
                case "tool": {
                    ObjectNode result = Json.object().put("type", "tool_result")
                            .put("tool_use_id", message.path("tool_call_id").asText());
                    result.put("content", Json.joinedText(message.path("content"), "\n\n"));
                    turns.add("user", result);
                    break;
                }
                default:
                    break;
            }
        }
        if (!system.isEmpty()) {
            ObjectNode block = out.putArray("system").addObject().put("type", "text").put("text", String.join("\n\n", system));
            block.putObject("cache_control").put("type", "ephemeral");
        }
        out.set("messages", turns.messages());
        if (request.path("temperature").isNumber()) {
            out.put("temperature", Math.min(1.0, request.path("temperature").asDouble()));
        }
        if (request.path("top_p").isNumber()) {
            out.set("top_p", request.path("top_p").deepCopy());
        }
        JsonNode stop = request.path("stop");
        if (stop.isTextual()) {
            out.putArray("stop_sequences").add(stop.asText());
        } else if (stop.isArray() && !stop.isEmpty()) {
            out.set("stop_sequences", stop.deepCopy());
        }
        tools(request, out);
        if (request.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        return out;
    }

    private static void content(JsonNode content, String role, Turns turns) {
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                turns.add(role, Json.object().put("type", "text").put("text", content.asText()));
            }
            return;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (("text".equals(type) || "refusal".equals(type)) && !part.path(type).asText("").isEmpty()) {
                turns.add(role, Json.object().put("type", "text").put("text", part.path(type).asText()));
            } else if ("image_url".equals(type)) {
                turns.add(role, ResponsesToMessagesRequest.image(part.path("image_url")));
            }
        }
    }

    private static void tools(JsonNode request, ObjectNode out) {
        ArrayNode tools = Json.array();
        for (JsonNode tool : request.path("tools")) {
            JsonNode function = tool.path("function");
            if (!"function".equals(tool.path("type").asText("function")) || !function.path("name").isTextual()) {
                continue;
            }
            ObjectNode converted = tools.addObject().put("name", function.path("name").asText());
            if (function.path("description").isTextual()) {
                converted.put("description", function.path("description").asText());
            }
            converted.set("input_schema", function.path("parameters").isObject() ? function.path("parameters").deepCopy()
                    : Json.object().put("type", "object"));
        }
        if (tools.isEmpty()) {
            return;
        }
        out.set("tools", tools);
        JsonNode choice = request.path("tool_choice");
        ObjectNode converted = Json.object();
        if (choice.isTextual()) {
            converted.put("type", "required".equals(choice.asText()) ? "any" : "none".equals(choice.asText()) ? "none" : "auto");
        } else if (choice.path("function").path("name").isTextual()) {
            converted.put("type", "tool").put("name", choice.path("function").path("name").asText());
        } else {
            converted.put("type", "auto");
        }
        if (!request.path("parallel_tool_calls").asBoolean(true) && !"none".equals(converted.path("type").asText())) {
            converted.put("disable_parallel_tool_use", true);
        }
        out.set("tool_choice", converted);
    }
}
