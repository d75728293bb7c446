package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A Responses request's tools as Anthropic tools: {@code function} tools with their JSON schema; Codex's
 * freeform {@code custom} tools (such as {@code apply_patch}) as tools taking one string, {@code input},
 * with the grammar they expect told in the description; the function tools of a {@code namespace} by their
 * own name (or {@code namespace__name} when two namespaces share one). Hosted tools ({@code web_search},
 * file search…) run only at OpenAI and are left out. Also {@code tool_choice} and
 * {@code parallel_tool_calls}. One per request translation.
 */
final class ResponsesTools {
    private final ArrayNode tools = Json.array();
    private final Set<String> names = new HashSet<>();
    private final Set<String> custom = new HashSet<>();
    private final Map<String, ResponsesShape.Namespaced> namespaced = new HashMap<>();

    /** Adds the tools of a {@code tools} list (the request's, or an {@code additional_tools} item's). */
    void add(JsonNode list) {
        for (JsonNode tool : list) {
            switch (tool.path("type").asText()) {
                case "function":
                    function(tool, tool.path("name").asText(), null);
                    break;
                case "custom":
                    custom(tool);
                    break;
                case "namespace":
                    for (JsonNode inner : tool.path("tools")) {
                        if ("function".equals(inner.path("type").asText())) {
                            function(inner, inner.path("name").asText(), tool.path("name").asText());
                        }
                    }
                    break;
                default:
                    break; // hosted tools
            }
        }
    }

    private void function(JsonNode tool, String name, String namespace) {
        String anthropicName = name;
        if (namespace != null && names.contains(name)) {
            anthropicName = namespace + "__" + name;
        }
        if (name.isEmpty() || !names.add(anthropicName)) {
            return;
        }
        if (namespace != null) {
            namespaced.put(anthropicName, new ResponsesShape.Namespaced(namespace, name));
        }
        ObjectNode out = tools.addObject().put("name", anthropicName);
        if (tool.path("description").isTextual()) {
            out.put("description", tool.path("description").asText());
        }
        JsonNode schema = tool.path("parameters");
        out.set("input_schema", schema.isObject() ? schema.deepCopy() : Json.object().put("type", "object"));
    }

    private void custom(JsonNode tool) {
        String name = tool.path("name").asText();
        if (name.isEmpty() || !names.add(name)) {
            return;
        }
        custom.add(name);
        StringBuilder description = new StringBuilder(tool.path("description").asText(""));
        JsonNode format = tool.path("format");
        if (format.path("definition").isTextual()) {
            description.append(description.length() == 0 ? "" : "\n\n").append("The input follows this ")
                    .append(format.path("syntax").asText("grammar")).append(" grammar:\n")
                    .append(format.path("definition").asText());
        }
        ObjectNode out = tools.addObject().put("name", name);
        if (description.length() > 0) {
            out.put("description", description.toString());
        }
        ObjectNode schema = out.putObject("input_schema").put("type", "object");
        schema.putObject("properties").putObject("input").put("type", "string")
                .put("description", "the tool's whole input, as freeform text");
        schema.putArray("required").add("input");
    }

    /** The Anthropic name of the tool a {@code function_call} item names. */
    String nameOf(String name, String namespace) {
        if (namespace != null && names.contains(namespace + "__" + name)) {
            return namespace + "__" + name;
        }
        return name;
    }

    /** Writes {@code tools} and {@code tool_choice} into the Messages request. */
    void write(JsonNode request, ObjectNode messages) {
        if (tools.isEmpty()) {
            return;
        }
        messages.set("tools", tools);
        JsonNode choice = request.path("tool_choice");
        ObjectNode out = Json.object();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "required": out.put("type", "any"); break;
                case "none": out.put("type", "none"); break;
                default: out.put("type", "auto");
            }
        } else if (choice.path("name").isTextual()) {
            out.put("type", "tool").put("name", nameOf(choice.path("name").asText(), null));
        } else {
            out.put("type", "auto");
        }
        if (!request.path("parallel_tool_calls").asBoolean(true) && !"none".equals(out.path("type").asText())) {
            out.put("disable_parallel_tool_use", true);
        }
        messages.set("tool_choice", out);
    }

    ResponsesShape shape(JsonNode request) {
        return new ResponsesShape(Json.text(request.path("model")), custom, namespaced,
                request.path("parallel_tool_calls").asBoolean(true),
                request.has("tool_choice") ? request.path("tool_choice") : null, System.currentTimeMillis() / 1000);
    }
}
