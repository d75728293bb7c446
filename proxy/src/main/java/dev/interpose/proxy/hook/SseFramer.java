package dev.interpose.proxy.hook;

import dev.interpose.proxy.body.HeapBytes;
import dev.interpose.proxy.body.Limits;
import dev.interpose.proxy.dialect.SseEvent;
import dev.interpose.proxy.stream.SseDecoder;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a response's bytes into whole server-sent events for {@link ToolGate}, as the clients cut them:
 * CR, LF and CRLF line endings, an event ended by a CR held until the next byte tells whether an LF
 * follows, each event's fields read by the project's SSE decoder (data lines joined, a byte order mark at a
 * line's start dropped). An event it cannot read whole (over {@code maxEventBytes}; framed so that a client
 * could read it as two events) comes out {@link SseEvent#unreadable}, and after an event past the cap
 * nothing more is framed.
 *
 * <p>This is the stream's one decoding: each event the decoder reads also goes, as it is read, to
 * {@code readers} (the exchange's usage reader), as their own decoder would have handed it to them (its data
 * past {@link Limits#EVENT_BYTES} truncated; an event the upstream never ended, which no decoder dispatches,
 * not at all). Confined to the exchange's event loop; keeps only a heap copy of the bytes of the event still
 * open.
 */
final class SseFramer {
    private static final byte[] BLANK_LINE = {'\n', '\n'};

    private final int maxEventBytes;
    private final HeapBytes pending = new HeapBytes(8192);
    private final Fields fields;
    private final SseDecoder decoder;
    /** The stream's last event when the upstream never ended it (framed at the end as if it had), or null. */
    private SseEvent unterminated;
    private int scanned;
    private boolean lineEmpty = true;
    private boolean lastCr;
    /** An event past the cap was met: nothing after it is framed. */
    private boolean overflowed;

    /** @param readers who else reads the upstream's events (null: no one) */
    SseFramer(int maxEventBytes, SseDecoder.Listener readers) {
        this.maxEventBytes = maxEventBytes;
        this.fields = new Fields(readers);
        this.decoder = new SseDecoder(fields, maxEventBytes);
    }

    /**
     * Whether {@code event} is the stream's last, never ended by the upstream: clients may read it, so it is
     * judged and passed, but no decoder reading the stream dispatches it.
     */
    boolean unterminated(SseEvent event) {
        return event == unterminated;
    }

    /** Takes the readable bytes of a chunk (the buffer is left as it is) and hands on each event they end. */
    void feed(ByteBuf chunk, Consumer<SseEvent> events) {
        if (overflowed) {
            return;
        }
        pending.append(chunk);
        frame(events);
    }

    /** The stream ended: an event without its blank line is handed on as if it had one, as a client may read it. */
    void end(Consumer<SseEvent> events) {
        if (pending.length() > 0 && !overflowed) {
            events.accept(parse(pending.copy(0, pending.length()), true));
            pending.discard(pending.length());
            scanned = 0;
        }
    }

    private void frame(Consumer<SseEvent> events) {
        byte[] bytes = pending.array();
        int length = pending.length();
        int eventStart = 0;
        int stop = length;
        for (int i = scanned; i < length; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastCr) {
                lastCr = false; // the LF of a CRLF
                continue;
            }
            if (b == '\r' && lineEmpty && i + 1 == length) {
                // An event ended by a CR that is the last byte so far: whether an LF follows decides where its
                // bytes end, so wait for the next byte (or the stream's end) before taking it, as one chunk would.
                stop = i;
                break;
            }
            lastCr = b == '\r';
            if (b == '\n' || b == '\r') {
                if (lineEmpty) {
                    int end = i + 1;
                    if (b == '\r' && end < length && bytes[end] == '\n') {
                        end++;
                        i++;
                        lastCr = false;
                    }
                    events.accept(parse(pending.copy(eventStart, end), false));
                    eventStart = end;
                }
                lineEmpty = true;
            } else {
                lineEmpty = false;
            }
        }
        if (length - eventStart > maxEventBytes) {
            events.accept(SseEvent.unreadable("an event is larger than the " + maxEventBytes
                    + " bytes the proxy reads to check it"));
            overflowed = true; // the rest of the stream is dropped: it ends at that event
            eventStart = length;
        }
        pending.discard(eventStart);
        scanned = Math.max(0, stop - eventStart);
    }

    /**
     * One whole event's name and data, read by the decoder (fed event by event, in order); {@code last}: the
     * stream's unterminated tail, ended here with a blank line the client never got.
     */
    private SseEvent parse(byte[] raw, boolean last) {
        fields.name = null;
        fields.data = null;
        fields.events = 0;
        fields.truncated = false;
        decoder.feed(raw, 0, raw.length);
        boolean ended = fields.events > 0;
        if (last) {
            fields.unended = true;
            decoder.feed(BLANK_LINE, 0, BLANK_LINE.length);
            fields.unended = false;
        }
        if (fields.events > 1) {
            // A line of only a byte order mark: one event here, two to a client that drops the mark.
            return SseEvent.unreadable("an event's lines could be read as more than one event");
        }
        if (fields.truncated) {
            return SseEvent.unreadable("an event's data is larger than the " + maxEventBytes
                    + " bytes the proxy reads to check it");
        }
        SseEvent event = SseEvent.of(raw, fields.name, fields.data);
        if (!ended && fields.events > 0) {
            unterminated = event;
        }
        return event;
    }

    /**
     * Keeps the fields of the one event {@link #decoder} was just fed, and how many it found; shows each to
     * {@code readers} as it is read.
     */
    private static final class Fields implements SseDecoder.Listener {
        private final SseDecoder.Listener readers;
        String name;
        byte[] data;
        int events;
        boolean truncated;
        /** The decoder is being fed the blank line the upstream never sent: what it dispatches now is no event to readers. */
        boolean unended;

        Fields(SseDecoder.Listener readers) {
            this.readers = readers;
        }

        @Override
        public boolean wants(String event) {
            return true;
        }

        @Override
        public void onEvent(String event, byte[] bytes, int length, boolean truncated) {
            events++;
            name = event;
            this.truncated = truncated;
            data = truncated ? null : Arrays.copyOf(bytes, length);
            if (readers != null && !unended && readers.wants(event)) {
                readers.onEvent(event, bytes, length, truncated || length > Limits.EVENT_BYTES);
            }
        }
    }
}
