package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A random Messages request of every shape the request translators branch on, odd ones included (a number
 * where a text is expected, a null, a missing source, a server tool, a {@code role: system} entry, a
 * thinking block from a Responses upstream), with texts short and long, plain and full of escapes; for the
 * tests that two ways of translating agree. Not a conversation a client would send: a shape test.
 */
final class RandomMessagesShapes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RandomJson r;

    private RandomMessagesShapes(RandomJson r) {
        this.r = r;
    }

    static ObjectNode request(long seed) {
        return new RandomMessagesShapes(new RandomJson(seed)).request();
    }

    private ObjectNode request() {
        ObjectNode request = NODES.objectNode();
        if (!r.chance(8)) {
            request.put("model", r.chance(6) ? longText() : "claude-sonnet-4-5");
        }
        request.set("messages", messages());
        switch (r.random.nextInt(4)) {
            case 0: request.put("system", text()); break;
            case 1: request.set("system", blocks(true)); break;
            case 2: request.set("system", odd()); break;
            default: break;
        }
        switch (r.random.nextInt(5)) {
            case 0: break;
            case 1: request.put("max_tokens", 0); break;
            case 2: request.put("max_tokens", "100"); break;
            default: request.put("max_tokens", 1 + r.random.nextInt(200000));
        }
        number(request, "temperature");
        number(request, "top_p");
        if (r.chance(3)) {
            ArrayNode stops = request.putArray("stop_sequences");
            for (int i = r.random.nextInt(3); i > 0; i--) {
                stops.add(text());
            }
        }
        if (!r.chance(4)) {
            request.set("tools", tools());
        }
        if (r.chance(2)) {
            ObjectNode choice = request.putObject("tool_choice");
            choice.put("type", new String[] {"auto", "any", "none", "tool", "other"}[r.random.nextInt(5)]);
            if (r.chance(2)) {
                choice.put("name", r.name());
            }
            if (r.chance(2)) {
                choice.put("disable_parallel_tool_use", r.random.nextBoolean());
            }
        }
        switch (r.random.nextInt(4)) {
            case 0: request.put("stream", true); break;
            case 1: request.put("stream", false); break;
            case 2: request.put("stream", "true"); break;
            default: break;
        }
        if (r.chance(3)) {
            request.putObject("metadata").put("user_id", text());
            request.putObject("thinking").put("type", "enabled").put("budget_tokens", 1024);
        }
        return request;
    }

    private ArrayNode messages() {
        ArrayNode messages = NODES.arrayNode();
        for (int i = r.random.nextInt(6); i >= 0; i--) {
            String role = new String[] {"user", "assistant", "user", "assistant", "system", "developer"}[r.random.nextInt(6)];
            ObjectNode message = messages.addObject().put("role", role);
            if (r.chance(4)) {
                message.put("content", text());
            } else if (r.chance(12)) {
                message.set("content", odd());
            } else {
                message.set("content", blocks(false));
            }
        }
        return messages;
    }

    private ArrayNode blocks(boolean system) {
        ArrayNode blocks = NODES.arrayNode();
        for (int i = r.random.nextInt(5); i > 0; i--) {
            ObjectNode block = blocks.addObject();
            int kind = system ? r.random.nextInt(2) : r.random.nextInt(9);
            switch (kind) {
                case 0:
                    block.put("type", "text");
                    if (r.chance(8)) {
                        block.set("text", odd());
                    } else {
                        block.put("text", text());
                    }
                    if (r.chance(3)) {
                        block.putObject("cache_control").put("type", "ephemeral");
                    }
                    break;
                case 1:
                    block.put("type", "image").set("source", source());
                    break;
                case 2:
                    block.put("type", "tool_use").put("id", r.id("toolu_")).put("name", r.name());
                    if (!r.chance(6)) {
                        block.set("input", r.chance(6) ? NODES.arrayNode().add(text()) : withLongText(r.input()));
                    }
                    break;
                case 3:
                    block.put("type", "tool_result").put("tool_use_id", r.id("toolu_"));
                    if (r.chance(3)) {
                        block.put("is_error", true);
                    }
                    if (r.chance(3)) {
                        block.put("content", text());
                    } else if (!r.chance(4)) {
                        block.set("content", blocks(false));
                    }
                    break;
                case 4:
                    block.put("type", "thinking").put("thinking", text()).put("signature", r.chance(2) ? "sig"
                            : ResponsesToMessagesAnswer.SIGNATURE_PREFIX + "rs_" + r.random.nextInt(99) + ":" + longText());
                    break;
                case 5:
                    block.put("type", "document").putObject("source").put("type", r.chance(2) ? "text" : "base64")
                            .put("media_type", "text/plain").put("data", text());
                    break;
                case 6:
                    block.put("type", "redacted_thinking").put("data", text());
                    break;
                case 7:
                    block.put("type", "server_tool_use").put("id", r.id("srvtoolu_")).put("name", "web_search");
                    break;
                default:
                    block.put("type", "text").put("text", longText());
            }
        }
        return blocks;
    }

    private ObjectNode source() {
        ObjectNode source = NODES.objectNode();
        switch (r.random.nextInt(4)) {
            case 0:
                source.put("type", "base64").put("data", "iVBORw0KGgo" + longText().length() + "AAAA");
                if (!r.chance(3)) {
                    source.put("media_type", r.chance(2) ? "image/png" : "image/jpeg");
                }
                break;
            case 1: source.put("type", "url").put("url", "https://example.com/" + r.random.nextInt(9) + ".png"); break;
            case 2: source.put("type", "file").put("file_id", r.id("file_")); break;
            default: break;
        }
        return source;
    }

    private ArrayNode tools() {
        ArrayNode tools = NODES.arrayNode();
        for (int i = r.random.nextInt(4); i >= 0; i--) {
            ObjectNode tool = tools.addObject();
            if (r.chance(5)) {
                tool.put("type", r.chance(2) ? "web_search_20250305" : "custom");
            }
            if (!r.chance(8)) {
                tool.put("name", r.name());
            }
            if (!r.chance(3)) {
                tool.put("description", longText());
            }
            if (!r.chance(4)) {
                ObjectNode schema = tool.putObject("input_schema").put("type", "object");
                schema.putObject("properties").putObject("command").put("type", "string").put("description", longText());
                schema.putArray("required").add("command");
                schema.put("additionalProperties", false).put("$schema", "http://json-schema.org/draft-07/schema#");
            }
        }
        return tools;
    }

    private void number(ObjectNode request, String field) {
        switch (r.random.nextInt(4)) {
            case 0: request.put(field, r.random.nextInt(100) / 50.0); break;
            case 1: request.put(field, 1); break;
            case 2: request.put(field, "0.5"); break;
            default: break;
        }
    }

    private ObjectNode withLongText(ObjectNode input) {
        if (r.chance(2)) {
            input.put("content", longText());
        }
        return input;
    }

    /** A value of a kind no field of these expects. */
    private JsonNode odd() {
        switch (r.random.nextInt(5)) {
            case 0: return NODES.nullNode();
            case 1: return NODES.numberNode(r.random.nextInt(1000));
            case 2: return NODES.booleanNode(true);
            case 3: return NODES.objectNode().put("text", text());
            default: return NODES.textNode("");
        }
    }

    private String text() {
        return r.chance(3) ? longText() : r.chance(10) ? "" : r.text();
    }

    /** A text past {@link RawJson#RAW_FROM} bytes, so that it stays raw. */
    private String longText() {
        StringBuilder text = new StringBuilder();
        for (int i = 1 + r.random.nextInt(5); i > 0; i--) {
            text.append(r.text());
        }
        return text.append(" and some more words to make it long").toString();
    }
}
