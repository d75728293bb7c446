package dev.interpose.proxy.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneId;
import java.util.List;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Marker;

/**
 * The JSON encoder of {@code logback.xml}: the Logstash encoder for every line, except an access-log line
 * ({@link AccessFields}), which {@link JsonLine} writes itself with the same fields in the same order
 * ({@code ts}, {@code message}, {@code logger_name}, {@code level}, then the exchange's fields) for a
 * fraction of the cost. Used by one writer thread at a time ({@link BatchingStdoutAppender}); calls from
 * elsewhere are serialised.
 */
public final class JsonLineEncoder extends LogstashEncoder {
    private final JsonLine line = new JsonLine();
    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public byte[] encode(ILoggingEvent event) {
        AccessFields fields = accessFields(event);
        if (fields == null) {
            return super.encode(event);
        }
        synchronized (line) {
            return write(event, fields).toByteArray();
        }
    }

    @Override
    public void encode(ILoggingEvent event, OutputStream out) throws IOException {
        AccessFields fields = accessFields(event);
        if (fields == null) {
            super.encode(event, out);
            return;
        }
        synchronized (line) {
            write(event, fields).writeTo(out);
        }
    }

    private JsonLine write(ILoggingEvent event, AccessFields fields) {
        line.begin();
        line.timestamp("ts", event.getInstant(), zone);
        line.text("message", event.getFormattedMessage());
        line.text("logger_name", event.getLoggerName());
        line.text("level", event.getLevel().toString());
        try {
            fields.writeTo(line);
        } catch (IOException e) {
            throw new IllegalStateException("a JsonLine does not do I/O", e);
        }
        return line.end();
    }

    private static AccessFields accessFields(ILoggingEvent event) {
        List<Marker> markers = event.getMarkerList();
        if (markers == null || markers.size() != 1 || !(markers.get(0) instanceof AccessFields)) {
            return null;
        }
        return event.getThrowableProxy() == null ? (AccessFields) markers.get(0) : null;
    }
}
