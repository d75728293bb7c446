package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.interpose.proxy.dialect.AssembledResponse;
import java.time.Duration;
import java.util.List;

/**
 * The type of each subagent, for {@code agent_type} and the {@code SubagentStart}/{@code SubagentStop} matchers.
 * Claude Code names a subagent's requests by id ({@code x-claude-code-agent-id}) but sends its type only with
 * gateway hint headers; so the proxy remembers each {@code Agent} (formerly {@code Task}) call the model asked for,
 * its {@code prompt} and {@code subagent_type}, and gives a new agent id the type of the call whose prompt its first
 * request carries. Bounded; shared across reloads; thread-safe.
 */
public final class SubagentTypes {
    private static final List<String> AGENT_TOOLS = List.of("Agent", "Task");
    private final Cache<String, String> byTask = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofHours(1)).build();
    private final Cache<String, String> byAgent = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterAccess(Duration.ofHours(6)).build();

    /** Notes the subagent calls of an answer. */
    void noteCalls(AssembledResponse response) {
        for (AssembledResponse.ToolCall call : response.toolCalls()) {
            JsonNode input = call.input() == null ? null : call.input();
            if (AGENT_TOOLS.contains(call.name()) && input != null && input.path("prompt").isTextual()
                    && input.path("subagent_type").isTextual()) {
                byTask.put(input.path("prompt").asText().strip(), input.path("subagent_type").asText());
            }
        }
    }

    /**
     * {@code facts} with the agent's type filled in when the client did not send it: the type already given to this
     * agent id, else that of the call whose prompt is {@code prompt} (the agent's first request), else none.
     */
    ClientFacts resolve(ClientFacts facts, String prompt) {
        if (!facts.subagent() || facts.agentType() != null) {
            return facts;
        }
        String type = byAgent.getIfPresent(facts.agentId());
        if (type == null && prompt != null) {
            type = byTask.getIfPresent(prompt.strip());
            if (type != null) {
                byAgent.put(facts.agentId(), type);
            }
        }
        return type == null ? facts : new ClientFacts(facts.agentId(), facts.parentAgentId(), type, facts.promptId(),
                facts.compaction());
    }
}
