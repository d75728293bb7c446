package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The answer to a request a hook blocked: a normal assistant reply, in the client's API shape and stream
 * format, whose text says what blocked it and why. Not an HTTP error: the CLIs would retry one, or stop
 * the session; a reply lets the person read why and go on.
 */
public final class BlockedReply {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BlockedReply() {
    }

    /** The body and its content type. */
    public record Body(byte[] bytes, String contentType) {
    }

    /** The text the person reads. */
    public static String text(String hook, String reason) {
        return "Interpose blocked this request: hook " + hook + " said: " + reason;
    }

    public static Body of(String path, boolean stream, String model, String id, String text) {
        String m = model == null ? "interpose" : model;
        if (path.endsWith("/responses")) {
            return stream ? sse(responsesEvents(m, id, text)) : json(responsesObject(m, id, text, "completed"));
        }
        if (path.endsWith("/chat/completions")) {
            return stream ? sse(chatEvents(m, id, text)) : json(chatObject(m, id, text));
        }
        return stream ? sse(anthropicEvents(m, id, text)) : json(anthropicMessage(m, id, text, true));
    }

    private static Body json(ObjectNode node) {
        try {
            return new Body(JSON.writeValueAsBytes(node), "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Body sse(ArrayNode events) {
        StringBuilder out = new StringBuilder();
        for (var event : events) {
            if (event.has("type")) {
                out.append("event: ").append(event.path("type").asText()).append('\n');
            }
            out.append("data: ").append(event.has("[DONE]") ? "[DONE]" : event.toString()).append("\n\n");
        }
        return new Body(out.toString().getBytes(StandardCharsets.UTF_8), "text/event-stream; charset=utf-8");
    }

    private static ObjectNode anthropicMessage(String model, String id, String text, boolean complete) {
        ObjectNode message = JSON.createObjectNode().put("id", "msg_interpose_" + id).put("type", "message")
                .put("role", "assistant").put("model", model);
        ArrayNode content = message.putArray("content");
        if (complete) {
            content.addObject().put("type", "text").put("text", text);
        }
        message.put("stop_reason", complete ? "end_turn" : null).putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        return message;
    }

    private static ArrayNode anthropicEvents(String model, String id, String text) {
        ArrayNode events = JSON.createArrayNode();
        events.addObject().put("type", "message_start").set("message", anthropicMessage(model, id, text, false));
        events.addObject().put("type", "content_block_start").put("index", 0).putObject("content_block")
                .put("type", "text").put("text", "");
        events.addObject().put("type", "content_block_delta").put("index", 0).putObject("delta")
                .put("type", "text_delta").put("text", text);
        events.addObject().put("type", "content_block_stop").put("index", 0);
        ObjectNode delta = events.addObject().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", 0);
        events.addObject().put("type", "message_stop");
        return events;
    }

    private static ObjectNode outputMessage(String id, String text, String status) {
        ObjectNode item = JSON.createObjectNode().put("id", "msg_interpose_" + id).put("type", "message")
                .put("status", status).put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.addObject().put("type", "output_text").put("text", text).putArray("annotations");
        }
        return item;
    }

    private static ObjectNode responsesObject(String model, String id, String text, String status) {
        ObjectNode response = JSON.createObjectNode().put("id", "resp_interpose_" + id).put("object", "response")
                .put("created_at", System.currentTimeMillis() / 1000).put("status", status).put("model", model);
        ArrayNode output = response.putArray("output");
        if (status.equals("completed")) {
            output.add(outputMessage(id, text, "completed"));
            response.putObject("usage").put("input_tokens", 0).put("output_tokens", 0).put("total_tokens", 0);
        }
        return response;
    }

    private static ArrayNode responsesEvents(String model, String id, String text) {
        ArrayNode events = JSON.createArrayNode();
        int seq = 0;
        String itemId = "msg_interpose_" + id;
        events.addObject().put("type", "response.created").put("sequence_number", seq++)
                .set("response", responsesObject(model, id, text, "in_progress"));
        events.addObject().put("type", "response.output_item.added").put("sequence_number", seq++)
                .put("output_index", 0).set("item", outputMessage(id, null, "in_progress"));
        events.addObject().put("type", "response.output_text.delta").put("sequence_number", seq++)
                .put("item_id", itemId).put("output_index", 0).put("content_index", 0).put("delta", text);
        events.addObject().put("type", "response.output_text.done").put("sequence_number", seq++)
                .put("item_id", itemId).put("output_index", 0).put("content_index", 0).put("text", text);
        events.addObject().put("type", "response.output_item.done").put("sequence_number", seq++)
                .put("output_index", 0).set("item", outputMessage(id, text, "completed"));
        events.addObject().put("type", "response.completed").put("sequence_number", seq)
                .set("response", responsesObject(model, id, text, "completed"));
        return events;
    }

    private static ObjectNode chatObject(String model, String id, String text) {
        ObjectNode completion = JSON.createObjectNode().put("id", "chatcmpl-interpose-" + id)
                .put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000).put("model", model);
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", "stop");
        return completion;
    }

    private static ArrayNode chatEvents(String model, String id, String text) {
        ArrayNode events = JSON.createArrayNode();
        ObjectNode chunk = JSON.createObjectNode().put("id", "chatcmpl-interpose-" + id)
                .put("object", "chat.completion.chunk").put("created", System.currentTimeMillis() / 1000)
                .put("model", model);
        ObjectNode first = chunk.deepCopy();
        ObjectNode c = first.putArray("choices").addObject().put("index", 0);
        c.putObject("delta").put("role", "assistant").put("content", text);
        c.putNull("finish_reason");
        events.add(first);
        ObjectNode last = chunk.deepCopy();
        ObjectNode d = last.putArray("choices").addObject().put("index", 0);
        d.putObject("delta");
        d.put("finish_reason", "stop");
        events.add(last);
        events.addObject().put("[DONE]", true);
        return events;
    }
}
