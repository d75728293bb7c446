package dev.interpose.proxy.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.interpose.config.AgentDefinition;
import dev.interpose.proxy.dialect.AssembledResponse;
import dev.interpose.proxy.dialect.ToolNames;
import java.util.List;

/**
 * The tools an agent is offered: the triggering request's tool definitions (in its own API's shape), kept when
 * the agent's {@code tools} names them (all when it names none) and its {@code disallowedTools} does not. A name
 * is compared as Claude Code writes it ({@code Bash(git *)} names {@code Bash}), and Codex's tools by the names
 * Claude Code gives them ({@link ToolNames}: {@code exec_command} is {@code Bash}), so one agent file means the
 * same tools in both CLIs. An agent's call is one model turn: the tool calls it asks for are not run but told in
 * its answer. Stateless.
 */
final class AgentTools {
    private AgentTools() {
    }

    /** The definitions to send, or null when the trigger had none or none is left for the agent. */
    static ArrayNode offered(JsonNode tools, AgentDefinition agent) {
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return null;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode tool : tools) {
            List<String> names = ToolNames.claudeNames(name(tool));
            if ((agent.tools().isEmpty() || names(agent.tools(), names)) && !names(agent.disallowedTools(), names)) {
                out.add(tool);
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** A definition's name: Messages' and Responses' {@code name}, Chat's {@code function.name}, else its type. */
    static String name(JsonNode tool) {
        if (tool.path("name").isTextual()) {
            return tool.path("name").asText();
        }
        if (tool.path("function").path("name").isTextual()) {
            return tool.path("function").path("name").asText();
        }
        return tool.path("type").asText("");
    }

    /** Whether one of {@code specs} ({@code Read}, {@code Bash(git *)}) names one of {@code names}. */
    private static boolean names(List<String> specs, List<String> names) {
        for (String spec : specs) {
            int paren = spec.indexOf('(');
            if (names.contains((paren < 0 ? spec : spec.substring(0, paren)).strip())) {
                return true;
            }
        }
        return false;
    }

    /** The answer's text, with each tool call it asked for told after it (an agent's call runs no tools). */
    static String answer(AssembledResponse assembled) {
        StringBuilder text = new StringBuilder(assembled.text() == null ? "" : assembled.text());
        for (AssembledResponse.ToolCall call : assembled.toolCalls()) {
            text.append(text.length() == 0 ? "" : "\n").append("[the agent asked to call ").append(call.name())
                    .append(' ').append(call.input() == null ? "{}" : call.input().toString())
                    .append("; not run: an agent's call is one model turn]");
        }
        return text.toString();
    }
}
