package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Writes a step's events as {@code text/event-stream} bytes to a consumer: {@code event: name} (when named)
 * and the data on one line, each event a new array written straight from the tree (no intermediate string).
 */
final class SseOut implements Out {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = {'\n', '\n'};
    private final Consumer<byte[]> out;

    SseOut(Consumer<byte[]> out) {
        this.out = out;
    }

    @Override
    public void event(String name, ObjectNode data) {
        byte[] head = name == null ? DATA : ("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8);
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        byte[] event = new byte[head.length + json.length + END.length];
        System.arraycopy(head, 0, event, 0, head.length);
        System.arraycopy(json, 0, event, head.length, json.length);
        System.arraycopy(END, 0, event, head.length + json.length, END.length);
        out.accept(event);
    }

    @Override
    public void done() {
        out.accept(DONE.clone());
    }
}
