package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Writes a step's events as {@code text/event-stream} bytes to a consumer. */
final class SseOut implements Out {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private final Consumer<byte[]> out;

    SseOut(Consumer<byte[]> out) {
        this.out = out;
    }

    @Override
    public void event(String name, ObjectNode data) {
        out.accept(SseEvent.encode(name, data));
    }

    @Override
    public void done() {
        out.accept(DONE.clone());
    }
}
