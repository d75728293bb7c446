package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a request's body shows about its turn, for the events that depend on it: a compaction request (Claude
 * Code's summary prompt), the first request after one (its continuation summary), a resumed conversation, plan
 * mode. Read from the messages of any of the three APIs ({@code messages}, or the Responses API's {@code input}).
 * Stateless.
 */
final class TurnFacts {
    /** How each of Claude Code's compaction prompts begins. */
    static final String COMPACT_PROMPT = "Your task is to create a detailed summary of";
    /** How Claude Code's first message after a compaction begins. */
    static final String CONTINUED = "This session is being continued from a previous conversation";
    private static final String INSTRUCTIONS = "\n\nAdditional Instructions:\n";
    private static final String REMINDER = "\n\nREMINDER:";

    private TurnFacts() {
    }

    /**
     * What asked for the compaction this prompt asks for, or null when it asks for none: the client's own word when
     * it sent one ({@code x-claude-code-compaction}), else {@code manual} when it carries instructions (only
     * {@code /compact <instructions>} does), else {@code auto} (a bare {@code /compact} looks the same on the wire).
     */
    static String compaction(String prompt, ClientFacts facts) {
        if (prompt == null || !prompt.contains(COMPACT_PROMPT)) {
            return null;
        }
        if ("manual".equals(facts.compaction()) || "auto".equals(facts.compaction())) {
            return facts.compaction();
        }
        return customInstructions(prompt) != null ? "manual" : "auto";
    }

    /** The instructions a {@code /compact <instructions>} added to the prompt, or null. */
    static String customInstructions(String prompt) {
        int at = prompt.indexOf(INSTRUCTIONS);
        if (at < 0) {
            return null;
        }
        int start = at + INSTRUCTIONS.length();
        int end = prompt.indexOf(REMINDER, start);
        return prompt.substring(start, end < 0 ? prompt.length() : end).trim();
    }

    /** Whether the conversation already has an answer of the model in it (it was resumed, not started). */
    static boolean resumed(ObjectNode json) {
        for (JsonNode message : messages(json)) {
            if ("assistant".equals(message.path("role").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The continuation summary that opens the conversation after a compaction, or null. */
    static String continuation(ObjectNode json) {
        for (JsonNode message : messages(json)) {
            if ("user".equals(message.path("role").asText())) {
                String text = message.path("content").toString();
                return text.contains(CONTINUED) ? text : null;
            }
        }
        return null;
    }

    /** {@code plan} when the newest user message says plan mode is active, else {@code default}. */
    static String permissionMode(ObjectNode json) {
        JsonNode messages = messages(json);
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if ("user".equals(message.path("role").asText())) {
                return message.path("content").toString().contains(HookInput.PLAN) ? "plan" : "default";
            }
        }
        return "default";
    }

    private static JsonNode messages(ObjectNode json) {
        return json.has("messages") ? json.path("messages") : json.path("input");
    }
}
