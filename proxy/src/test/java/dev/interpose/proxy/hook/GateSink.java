package dev.interpose.proxy.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a response gate gave the client: the bytes it wrote and, when it refused, its message and the error
 * event that ended a stream. Every buffer written is released here, so the leak guard sees any the gate
 * leaked; nothing may be written after the refusal, and a gate refuses once at most. Which refusals a test
 * expects is chosen when the sink is made: {@link #readable()} fails on any, {@link #stream()} only on one
 * without the stream's error event, {@link #body()} takes both.
 */
final class GateSink implements ResponseGate.Output {
    private final boolean plainRefusals;
    private final boolean eventRefusals;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String refusal;
    /** The error event the stream was ended with; null when not refused, or refused without one. */
    byte[] lastEvent;

    private GateSink(boolean plainRefusals, boolean eventRefusals) {
        this.plainRefusals = plainRefusals;
        this.eventRefusals = eventRefusals;
    }

    /** For a stream the gate must read to its end: any refusal fails the test. */
    static GateSink readable() {
        return new GateSink(false, false);
    }

    /** For a stream the gate may refuse, which it must then end with the API's error event. */
    static GateSink stream() {
        return new GateSink(false, true);
    }

    /** For a whole body, or any response the gate may refuse either way. */
    static GateSink body() {
        return new GateSink(true, true);
    }

    /** Feeds {@code stream} to {@code gate} in chunks of {@code chunk} bytes, checking that it only reads them. */
    static void feed(ResponseGate gate, byte[] stream, int chunk) {
        for (int i = 0; i < stream.length; i += chunk) {
            int length = Math.min(chunk, stream.length - i);
            ByteBuf part = Unpooled.wrappedBuffer(stream, i, length);
            gate.feed(part);
            assertThat(part.readableBytes()).as("the gate only reads").isEqualTo(length);
            part.release();
        }
    }

    @Override
    public void write(ByteBuf buf) {
        try {
            assertThat(refusal).as("nothing after the refusal").isNull();
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            bytes.writeBytes(b);
        } finally {
            buf.release();
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void refuse(String message) {
        if (!plainRefusals) {
            throw new AssertionError((eventRefusals ? "a stream is refused with its error event: "
                    : "a readable stream was refused: ") + message);
        }
        refused(message, null);
    }

    @Override
    public void refuse(String message, byte[] lastEvent) {
        if (!eventRefusals) {
            throw new AssertionError("a readable stream was refused: " + message);
        }
        refused(message, lastEvent);
    }

    private void refused(String message, byte[] event) {
        assertThat(refusal).as("refused once").isNull();
        refusal = message;
        lastEvent = event;
    }

    boolean refused() {
        return refusal != null;
    }

    /** The bytes written, as UTF-8: before any refusal, so without the error event that ended a stream. */
    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** All the client received: the bytes written, then the error event if the stream was refused with one. */
    byte[] receivedBytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(bytes.toByteArray());
        if (lastEvent != null) {
            all.writeBytes(lastEvent);
        }
        return all.toByteArray();
    }

    /** {@link #receivedBytes()} as UTF-8 text. */
    String received() {
        return new String(receivedBytes(), StandardCharsets.UTF_8);
    }
}
