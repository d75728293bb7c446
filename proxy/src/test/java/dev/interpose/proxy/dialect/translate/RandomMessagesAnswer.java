package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A random Messages answer for the property tests: thinking, text and tool calls (some to the freeform
 * {@code apply_patch}) with usage, whole or as a stream whose deltas are cut at random places, with pings.
 */
final class RandomMessagesAnswer {
    final List<ObjectNode> blocks = new ArrayList<>();
    final long input;
    final long read;
    final long write;
    final long output;

    RandomMessagesAnswer(RandomJson r) {
        if (r.chance(3)) {
            blocks.add(RandomJson.JSON.createObjectNode().put("type", "thinking").put("thinking", r.text()).put("signature", "s"));
        }
        for (int i = 1 + r.random.nextInt(4); i > 0; i--) {
            if (r.chance(2)) {
                blocks.add(RandomJson.JSON.createObjectNode().put("type", "text").put("text", r.text()));
            } else {
                ObjectNode use = RandomJson.JSON.createObjectNode().put("type", "tool_use").put("id", r.id("toolu_"));
                boolean custom = r.chance(3);
                use.put("name", custom ? "apply_patch" : r.name().replace("apply_patch", "Bash"));
                if (custom) {
                    use.putObject("input").put("input", r.text());
                } else {
                    use.set("input", r.input());
                }
                blocks.add(use);
            }
        }
        input = r.random.nextInt(100_000);
        read = r.random.nextInt(100_000);
        write = r.random.nextInt(1000);
        output = r.random.nextInt(100_000);
    }

    ObjectNode whole() {
        ObjectNode message = RandomJson.JSON.createObjectNode().put("id", "msg_1").put("type", "message")
                .put("role", "assistant").put("model", "claude");
        message.putArray("content").addAll(blocks);
        message.put("stop_reason", stopReason());
        message.putObject("usage").put("input_tokens", input).put("cache_read_input_tokens", read)
                .put("cache_creation_input_tokens", write).put("output_tokens", output);
        return message;
    }

    byte[] stream(RandomJson r) {
        StringBuilder out = new StringBuilder();
        ObjectNode start = RandomJson.JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = whole();
        message.putArray("content");
        message.putNull("stop_reason");
        ((ObjectNode) message.path("usage")).put("output_tokens", 1);
        start.set("message", message);
        event(out, start);
        for (int i = 0; i < blocks.size(); i++) {
            ObjectNode block = blocks.get(i);
            String type = block.path("type").asText();
            ObjectNode opening = block.deepCopy();
            if ("text".equals(type)) {
                opening.put("text", "");
            } else if ("thinking".equals(type)) {
                opening.put("thinking", "");
            } else {
                opening.putObject("input");
            }
            ObjectNode blockStart = RandomJson.JSON.createObjectNode().put("type", "content_block_start").put("index", i);
            blockStart.set("content_block", opening);
            event(out, blockStart);
            String whole = "text".equals(type) ? block.path("text").asText() : "thinking".equals(type)
                    ? block.path("thinking").asText() : Json.write(block.path("input"));
            for (String piece : r.pieces(whole)) {
                ObjectNode delta = RandomJson.JSON.createObjectNode().put("type", "content_block_delta").put("index", i);
                ObjectNode d = delta.putObject("delta");
                if ("text".equals(type)) {
                    d.put("type", "text_delta").put("text", piece);
                } else if ("thinking".equals(type)) {
                    d.put("type", "thinking_delta").put("thinking", piece);
                } else {
                    d.put("type", "input_json_delta").put("partial_json", piece);
                }
                event(out, delta);
                if (r.chance(6)) {
                    event(out, RandomJson.JSON.createObjectNode().put("type", "ping"));
                }
            }
            event(out, RandomJson.JSON.createObjectNode().put("type", "content_block_stop").put("index", i));
        }
        ObjectNode end = RandomJson.JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", stopReason()).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", output);
        event(out, end);
        event(out, RandomJson.JSON.createObjectNode().put("type", "message_stop"));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    String stopReason() {
        return blocks.stream().anyMatch(block -> "tool_use".equals(block.path("type").asText())) ? "tool_use" : "end_turn";
    }

    private static void event(StringBuilder out, ObjectNode data) {
        out.append("event: ").append(data.path("type").asText()).append("\ndata: ").append(data).append("\n\n");
    }
}
