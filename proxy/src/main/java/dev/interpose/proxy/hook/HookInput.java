package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookEvent;
import java.nio.file.Path;

/** The part of a hook's stdin every event shares: Claude Code's common fields and the {@code interpose} object. */
final class HookInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HookInput() {
    }

    static ObjectNode of(HookEvent event, RequestHooks.Meta meta, String session, Path projectDir) {
        ObjectNode input = JSON.createObjectNode();
        input.put("session_id", session);
        input.putNull("transcript_path");
        input.put("cwd", projectDir.toString());
        input.put("hook_event_name", event.wireName());
        ObjectNode ours = input.putObject("interpose");
        ours.put("request_id", meta.requestId()).put("client", meta.client()).put("dialect", meta.dialect())
                .put("model", meta.model()).put("upstream", meta.upstream()).put("route", meta.route());
        return input;
    }
}
