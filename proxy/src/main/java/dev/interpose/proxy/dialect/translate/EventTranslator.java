package dev.interpose.proxy.dialect.translate;

import dev.interpose.proxy.dialect.SseEvent;
import java.util.function.Consumer;

/**
 * The events of one streamed answer of the upstream, translated one by one as they arrive into the client's
 * API: each call may write zero or more whole events (UTF-8 bytes of {@code text/event-stream}, each a new
 * array the consumer may keep) and nothing is held back that could already be written. The client sees its
 * own API's complete grammar: a stream the upstream ends properly ends properly, and one the upstream cuts
 * short or fails ends in the client API's error event. Per response, confined to one thread (the exchange's
 * event loop); it holds no buffers of the caller's.
 */
public interface EventTranslator {
    /** One whole event of the upstream's stream. */
    void accept(SseEvent event, Consumer<byte[]> out);

    /** The upstream's stream ended (after its last event, or cut short). */
    void end(Consumer<byte[]> out);

    /** Whether the client's stream is complete: its last event (an end or an error) has been written. */
    boolean finished();
}
