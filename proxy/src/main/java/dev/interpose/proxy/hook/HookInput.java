package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookEvent;
import java.nio.file.Path;

/**
 * The part of a hook's stdin every event shares: Claude Code's common fields and the {@code interpose} object.
 * {@code transcript_path} is null: the transcript is the client's file, which the traffic does not name.
 * {@code permission_mode} is {@code default} unless the caller read another from the request ({@link #PLAN}).
 * Inside a subagent, {@code agent_id} and {@code agent_type} (null when the client did not send the type);
 * {@code prompt_id} when the client sent one.
 */
final class HookInput {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Claude Code puts in the newest user turn while in plan mode. */
    static final String PLAN = "Plan mode is active.";

    private HookInput() {
    }

    static ObjectNode of(HookEvent event, RequestHooks.Meta meta, String session, Path projectDir) {
        ObjectNode input = JSON.createObjectNode();
        input.put("session_id", session);
        input.putNull("transcript_path");
        input.put("cwd", projectDir.toString());
        input.put("permission_mode", "default");
        input.put("hook_event_name", event.wireName());
        ClientFacts facts = meta.facts();
        if (facts.subagent()) {
            input.put("agent_id", facts.agentId());
            input.put("agent_type", facts.agentType());
        }
        if (facts.promptId() != null) {
            input.put("prompt_id", facts.promptId());
        }
        ObjectNode ours = input.putObject("interpose");
        ours.put("request_id", meta.requestId()).put("client", meta.client()).put("dialect", meta.dialect())
                .put("model", meta.model()).put("upstream", meta.upstream()).put("route", meta.route());
        return input;
    }
}
