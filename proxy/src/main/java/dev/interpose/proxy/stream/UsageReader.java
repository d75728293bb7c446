package dev.interpose.proxy.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Accumulates {@link Usage} from the parts of a response that carry it: Anthropic's {@code message_start}
 * and {@code message_delta} events, the Responses API's {@code response.completed} (and
 * {@code .incomplete}/{@code .failed}), a chat completion chunk with {@code usage}, or a whole JSON body.
 * Only those events are parsed; the data of every other event is never even copied.
 *
 * <p>Also records whether the stream's final event ({@code message_stop}, {@code response.completed},
 * {@code data: [DONE]}) was seen. Not thread-safe: one per exchange, on its event loop.
 */
public final class UsageReader implements SseDecoder.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String model;
    private long input = -1;
    private long output = -1;
    private long cacheRead = -1;
    private long cacheWrite = -1;
    private boolean finished;
    /** The stream ended with its successful final event (not {@code response.failed} or an error). */
    private boolean completed;

    @Override
    public boolean wants(String event) {
        if (event == null) {
            return true; // chat completions name no events; usage rides on an ordinary chunk
        }
        switch (event) {
            case "message_start":
            case "message_delta":
            case "response.completed":
            case "response.incomplete":
            case "response.failed":
                return true;
            case "message_stop":
                finished = true;
                return true; // complete only once the whole event arrived (onEvent)
            default:
                return false;
        }
    }

    @Override
    public void onEvent(String event, byte[] data, int length, boolean truncated) {
        if (truncated) {
            return;
        }
        if (event == null) {
            if (length == DONE.length && contains(data, length, DONE)) {
                finished = true;
                completed = true;
            } else if (contains(data, length, USAGE)) {
                read(data, length, null);
            }
            return;
        }
        switch (event) {
            case "message_start":
                read(data, length, "message");
                break;
            case "message_delta":
                read(data, length, null);
                break;
            case "message_stop":
                completed = true;
                break;
            default:
                finished = true;
                completed = "response.completed".equals(event);
                read(data, length, "response");
                break;
        }
    }

    /** Reads usage from a complete non-streaming JSON body. */
    public void onBody(byte[] body, int length) {
        read(body, length, null);
    }

    /** True when the stream ended with its successful final event: {@code message_stop}, {@code response.completed}, {@code [DONE]}. */
    public boolean completed() {
        return completed;
    }

    /** True when the stream's final event was seen. */
    public boolean finished() {
        return finished;
    }

    /** What was read so far. */
    public Usage usage() {
        return new Usage(model, input, output, cacheRead, cacheWrite);
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

    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private static boolean contains(byte[] data, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
