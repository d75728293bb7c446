package dev.interpose.proxy.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.proxy.dialect.UsageEvents;
import java.io.IOException;

/**
 * Accumulates {@link Usage} from the parts of an answer that carry it: the events its API's
 * {@link UsageEvents} names, or a whole JSON body. Only those events are parsed, and only as far as their
 * {@code model} and {@code usage}; the data of every other event is never even copied. Also records whether
 * the stream ended with its successful final event. Not thread-safe: one per exchange, on its event loop.
 */
public final class UsageReader implements SseDecoder.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UsageEvents events;
    private final Sink sink = new Sink();
    private String model;
    private long input = -1;
    private long output = -1;
    private long cacheRead = -1;
    private long cacheWrite = -1;
    /** The stream ended with its successful final event (not {@code response.failed} or an error). */
    private boolean completed;

    /** A reader of the usage these events report. */
    public UsageReader(UsageEvents events) {
        this.events = events;
    }

    @Override
    public boolean wants(String event) {
        return events.wants(event);
    }

    @Override
    public void onEvent(String event, byte[] data, int length, boolean truncated) {
        if (!truncated) {
            events.onEvent(event, data, length, sink);
        }
    }

    /** Reads usage from a complete non-streaming JSON body. */
    public void onBody(byte[] body, int length) {
        read(body, length, null);
    }

    /** True when the stream ended with its successful final event ({@code message_stop}, {@code [DONE]}...). */
    public boolean completed() {
        return completed;
    }

    /** What was read so far. */
    public Usage usage() {
        return new Usage(model, input, output, cacheRead, cacheWrite);
    }

    /** What the API's events say, told to this reader. */
    private final class Sink implements UsageEvents.Sink {
        @Override
        public void usage(byte[] data, int length, String nested) {
            read(data, length, nested);
        }

        @Override
        public void ended(boolean success) {
            completed = success;
        }
    }

    /**
     * Streams through a JSON object taking its {@code model} and {@code usage}, or those of the object
     * under {@code nested}; everything else is skipped without being built (a {@code response.completed}
     * carries the whole output).
     */
    private void read(byte[] data, int length, String nested) {
        try (JsonParser parser = JSON.createParser(data, 0, length)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                scan(parser, nested);
            }
        } catch (IOException | RuntimeException e) {
            // not JSON, or not the shape expected: no usage from this part
        }
    }

    private void scan(JsonParser parser, String nested) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
                model = parser.getText();
            } else if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                absorbUsage(parser.readValueAsTree());
            } else if (name.equals(nested) && value == JsonToken.START_OBJECT) {
                scan(parser, null);
            } else {
                parser.skipChildren();
            }
        }
    }

    /**
     * The counts of a usage object, by either vendor's names (Anthropic's and the Responses API's
     * {@code input_tokens}, Chat's {@code prompt_tokens}...), so that a compatible server speaking the other
     * vendor's usage is still counted.
     */
    private void absorbUsage(JsonNode usage) {
        input = first(usage, input, "input_tokens", "prompt_tokens");
        output = first(usage, output, "output_tokens", "completion_tokens");
        cacheWrite = first(usage, cacheWrite, "cache_creation_input_tokens");
        cacheRead = first(usage, cacheRead, "cache_read_input_tokens");
        JsonNode details = usage.has("input_tokens_details") ? usage.get("input_tokens_details")
                : usage.get("prompt_tokens_details");
        if (details != null && details.isObject()) {
            cacheRead = first(details, cacheRead, "cached_tokens");
        }
    }

    private static long first(JsonNode usage, long current, String... names) {
        for (String name : names) {
            JsonNode v = usage.get(name);
            if (v != null && v.canConvertToLong()) {
                return v.asLong();
            }
        }
        return current;
    }
}
