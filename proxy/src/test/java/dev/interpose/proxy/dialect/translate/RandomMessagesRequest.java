package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A random valid Messages request for the property tests (system as a string or blocks, user turns of text
 * and images, assistant turns of thinking, text and tool calls, the next user turn answering every call),
 * and what it says that a translation must keep.
 */
final class RandomMessagesRequest {
    final ObjectNode request = RandomJson.JSON.createObjectNode();
    final List<String> texts = new ArrayList<>();
    final List<String> images = new ArrayList<>();
    final List<ObjectNode> toolUses = new ArrayList<>();
    final List<String> resultIds = new ArrayList<>();

    RandomMessagesRequest(RandomJson r) {
        request.put("model", "claude-" + r.text().length());
        request.put("max_tokens", 1 + r.random.nextInt(200000));
        if (r.chance(2)) {
            request.put("temperature", r.random.nextInt(100) / 50.0);
        }
        if (r.chance(2)) {
            request.put("top_p", r.random.nextInt(100) / 100.0);
        }
        if (r.chance(2)) {
            String system = r.text();
            texts.add(system);
            request.put("system", system);
        } else {
            ArrayNode system = request.putArray("system");
            for (int i = r.random.nextInt(3); i > 0; i--) {
                String text = r.text();
                texts.add(text);
                system.addObject().put("type", "text").put("text", text).putObject("cache_control").put("type", "ephemeral");
            }
        }
        ArrayNode messages = request.putArray("messages");
        int turns = 1 + r.random.nextInt(4);
        List<String> open = new ArrayList<>();
        for (int t = 0; t < turns; t++) {
            user(r, messages.addObject().put("role", "user"), open);
            open.clear();
            if (t + 1 < turns) {
                assistant(r, messages.addObject().put("role", "assistant"), open);
            }
        }
        ArrayNode tools = request.putArray("tools");
        tools.addObject().put("name", "Bash").put("description", r.text()).set("input_schema", r.input());
    }

    private void user(RandomJson r, ObjectNode message, List<String> answering) {
        if (answering.isEmpty() && r.chance(3)) {
            String text = r.text();
            texts.add(text);
            message.put("content", text);
            return;
        }
        ArrayNode content = message.putArray("content");
        for (String id : answering) {
            ObjectNode result = content.addObject().put("type", "tool_result").put("tool_use_id", id);
            String text = r.text();
            texts.add(text);
            resultIds.add(id);
            if (r.chance(2)) {
                result.put("content", text);
            } else {
                result.putArray("content").addObject().put("type", "text").put("text", text);
            }
        }
        for (int i = answering.isEmpty() ? 1 + r.random.nextInt(3) : r.random.nextInt(2); i > 0; i--) {
            if (r.chance(4)) {
                String data = "QUJD" + Integer.toHexString(r.random.nextInt());
                images.add(data);
                content.addObject().put("type", "image").putObject("source").put("type", "base64")
                        .put("media_type", "image/png").put("data", data);
            } else {
                String text = r.text();
                texts.add(text);
                content.addObject().put("type", "text").put("text", text);
            }
        }
    }

    private void assistant(RandomJson r, ObjectNode message, List<String> calls) {
        ArrayNode content = message.putArray("content");
        if (r.chance(3)) {
            content.addObject().put("type", "thinking").put("thinking", r.text()).put("signature", "sig");
        }
        if (r.chance(2)) {
            String text = r.text();
            texts.add(text);
            content.addObject().put("type", "text").put("text", text);
        }
        for (int i = content.isEmpty() ? 1 : r.random.nextInt(3); i > 0; i--) {
            ObjectNode use = content.addObject().put("type", "tool_use").put("id", r.id("toolu_")).put("name", r.name());
            use.set("input", r.input());
            toolUses.add(use);
            calls.add(use.path("id").asText());
        }
    }
}
