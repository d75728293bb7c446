package dev.interpose.proxy.stream;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * An incremental decoder of {@code text/event-stream} (the WHATWG server-sent events format). Fed chunks
 * split at any byte, it calls its {@link Listener} once per complete event. Lines end with LF, CR or CRLF;
 * comment lines and {@code id}/{@code retry} fields are ignored. The data of an event the listener does
 * not want is not kept, and data beyond {@code maxEventBytes} is dropped (the event is still dispatched
 * with {@code truncated} set), so memory stays bounded whatever the upstream sends. Whether an event's
 * data is wanted is decided on its {@code event:} line, which both vendors send first.
 *
 * <p>A UTF-8 byte order mark at the start of any line is dropped, not only at the start of the stream
 * as the standard says: the JavaScript SDKs decode each line on its own with a {@code TextDecoder},
 * which drops it there, so a BOM then {@code data: …} is a data line to them (and a line of only a BOM ends
 * an event). A reader that checks what the client acts on must read those lines as the client does.
 *
 * <p>Not thread-safe: one per stream, on its event loop. {@link #feed} only reads the buffer.
 */
public final class SseDecoder {

    /** Receives decoded events. */
    public interface Listener {
        /** Whether the data of events with this name (null when the event has no {@code event:} line) is needed. */
        boolean wants(String event);

        /** One complete event; {@code data} holds the data lines joined with LF, valid during the call only. */
        void onEvent(String event, byte[] data, int length, boolean truncated);
    }

    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** How many decoders were built: the seam of the test that proves a gated stream is decoded once. */
    static final LongAdder BUILT = new LongAdder();

    private final Listener listener;
    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lineTooLong;
    private boolean afterCr;
    private final boolean wantsUnnamed;
    private String event;
    private boolean wanted;
    private boolean hasData;
    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean truncated;
    private byte[] scratch = new byte[0];

    public SseDecoder(Listener listener, int maxEventBytes) {
        this.listener = listener;
        this.maxEventBytes = maxEventBytes;
        this.wantsUnnamed = listener.wants(null);
        this.wanted = wantsUnnamed;
        BUILT.increment();
    }

    /** Decodes the readable bytes of {@code chunk} without moving its indices. */
    public void feed(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, 4096)];
        }
        chunk.getBytes(chunk.readerIndex(), scratch, 0, n);
        feed(scratch, 0, n);
    }

    /** Decodes {@code length} bytes of {@code bytes} from {@code offset}. */
    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                if (b == '\n' && afterCr && i == start && lineLength == 0) {
                    afterCr = false; // the LF of a CRLF whose CR ended the previous line
                    start = i + 1;
                    continue;
                }
                appendLine(bytes, start, i - start);
                endLine();
                afterCr = b == '\r';
                start = i + 1;
            } else {
                afterCr = false;
            }
        }
        appendLine(bytes, start, end - start);
    }

    private void appendLine(byte[] bytes, int from, int count) {
        if (count == 0 || lineTooLong) {
            return;
        }
        if (lineLength + count > maxEventBytes + 16) {
            // Keep what fits, so the field's name is known however the line was split into chunks.
            count = maxEventBytes + 16 - lineLength;
            lineTooLong = true;
            truncated = true;
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + count));
        }
        System.arraycopy(bytes, from, line, lineLength, count);
        lineLength += count;
    }

    private void endLine() {
        int from = startsWithBom() ? BOM.length : 0;
        if (lineLength == from && !lineTooLong) {
            dispatch();
        } else if (!lineTooLong && line[from] != ':') {
            int colon = indexOf(line, from, lineLength, (byte) ':');
            int nameEnd = colon < 0 ? lineLength : colon;
            int valueStart = colon < 0 ? lineLength : colon + 1;
            if (valueStart < lineLength && line[valueStart] == ' ') {
                valueStart++;
            }
            if (is(EVENT, from, nameEnd)) {
                event = new String(line, valueStart, lineLength - valueStart, StandardCharsets.UTF_8);
                wanted = listener.wants(event);
            } else if (is(DATA, from, nameEnd)) {
                appendData(valueStart);
            }
        } else if (lineTooLong && startsWithData(from)) {
            hasData = true;
        }
        lineLength = 0;
        lineTooLong = false;
    }

    private boolean startsWithBom() {
        return lineLength >= BOM.length && line[0] == BOM[0] && line[1] == BOM[1] && line[2] == BOM[2];
    }

    private boolean startsWithData(int from) {
        return lineLength > from + DATA.length && is(DATA, from, from + DATA.length) && line[from + DATA.length] == ':';
    }

    private void appendData(int valueStart) {
        if (hasData) {
            putData((byte) '\n');
        }
        hasData = true;
        if (!wanted) {
            return;
        }
        int count = lineLength - valueStart;
        if (dataLength + count > maxEventBytes) {
            truncated = true;
            return;
        }
        if (dataLength + count > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + count));
        }
        System.arraycopy(line, valueStart, data, dataLength, count);
        dataLength += count;
    }

    private void putData(byte b) {
        if (!wanted || dataLength + 1 > maxEventBytes) {
            return;
        }
        if (dataLength == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[dataLength++] = b;
    }

    private void dispatch() {
        if (hasData && wanted) {
            listener.onEvent(event, data, dataLength, truncated);
        }
        event = null;
        wanted = wantsUnnamed;
        hasData = false;
        dataLength = 0;
        truncated = false;
    }

    private boolean is(byte[] name, int from, int nameEnd) {
        if (nameEnd - from != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (line[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, int from, int length, byte b) {
        for (int i = from; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
