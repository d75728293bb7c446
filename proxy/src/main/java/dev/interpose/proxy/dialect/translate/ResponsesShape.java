package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;

/**
 * What a Responses client's request said that its answer must say back: the model asked for, which tools
 * were freeform ({@code custom}: their calls carry a string {@code input}, not JSON arguments), which tools
 * came from a {@code namespace} (their Anthropic name, and the namespace and name the client knows), the
 * request's {@code parallel_tool_calls} and {@code tool_choice}, and when the response was created.
 * Immutable.
 */
record ResponsesShape(String model, Set<String> customTools, Map<String, Namespaced> namespaced,
        boolean parallelToolCalls, JsonNode toolChoice, long createdAt) {

    /** A tool of a namespace: its namespace and its name there. */
    record Namespaced(String namespace, String name) {
    }

    ResponsesShape {
        customTools = Set.copyOf(customTools);
        namespaced = Map.copyOf(namespaced);
    }

    boolean custom(String anthropicName) {
        return customTools.contains(anthropicName);
    }
}
