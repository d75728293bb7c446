package dev.interpose.proxy.hook;

/**
 * What Claude Code's headers say about a request besides its session, as hook input needs it: the subagent that
 * sends it ({@code x-claude-code-agent-id}, {@code x-claude-code-parent-agent-id}; Claude Code sends these to any
 * base URL), and, where Claude Code sends them (only with {@code CLAUDE_CODE_GATEWAY_HINT_HEADERS}), the agent's
 * type ({@code x-claude-code-agent-type}), the prompt's id ({@code x-claude-code-prompt-id}) and what asked for a
 * compaction ({@code x-claude-code-compaction}). Each is null when not sent. Immutable.
 */
public record ClientFacts(String agentId, String parentAgentId, String agentType, String promptId,
        String compaction) {
    public static final ClientFacts NONE = new ClientFacts(null, null, null, null, null);

    /** Whether the request comes from a subagent. */
    public boolean subagent() {
        return agentId != null && !agentId.isBlank();
    }
}
