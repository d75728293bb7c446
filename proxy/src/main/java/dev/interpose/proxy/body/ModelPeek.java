package dev.interpose.proxy.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Finds the top-level {@code "model"} string of a JSON request body with a streaming parse that reads
 * every top-level member's name and skips its value unread (about 1.5 µs a kilobyte). It reads to the end
 * so that a second top-level {@code model} cannot hide after the first: the proxy would route on one
 * value while the upstream reads the other. A body that is not a JSON object, or not JSON to its end, has
 * no model. Jackson's size limits are lifted here (skipped values are never held), but not the nesting
 * depth, whose parser state grows with it.
 */
public final class ModelPeek {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000)
                    .maxNumberLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private ModelPeek() {
    }

    /**
     * The model named by this body, or null. The buffer's indices are left as they are.
     *
     * @throws ProxyException BAD_REQUEST when the body names a top-level {@code model} more than once
     */
    public static String of(ByteBuf body) {
        int length = body.readableBytes();
        if (length == 0) {
            return null;
        }
        if (body.hasArray()) {
            return of(body.array(), body.arrayOffset() + body.readerIndex(), length);
        }
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            return find(JSON.createParser(in));
        } catch (Duplicate e) {
            throw duplicate();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The model named by this body, or null.
     *
     * @throws ProxyException BAD_REQUEST when the body names a top-level {@code model} more than once
     */
    public static String of(byte[] body) {
        return of(body, 0, body.length);
    }

    private static String of(byte[] body, int offset, int length) {
        try {
            return find(JSON.createParser(body, offset, length));
        } catch (Duplicate e) {
            throw duplicate();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String find(JsonParser parser) throws IOException {
        try (parser) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String model = null;
            boolean seen = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("model".equals(field)) {
                    if (seen) {
                        throw new Duplicate();
                    }
                    seen = true;
                    model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null; // cut short, or more after the object: not a body an upstream reads
            }
            return model;
        }
    }

    private static ProxyException duplicate() {
        return new ProxyException(ErrorKind.BAD_REQUEST, "the request body has more than one top-level \"model\" member");
    }

    /** Caught before the catch-all of the parse, so a duplicate is never taken for unreadable JSON. */
    private static final class Duplicate extends IOException {
        private static final long serialVersionUID = 1L;

        Duplicate() {
            super(null, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * Advances a fresh parser to the value of the body's top-level {@code model}, skipping every other
     * field's value unread; true when it stopped on a string.
     */
    static boolean seekModel(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("model".equals(field)) {
                return value == JsonToken.VALUE_STRING;
            }
            parser.skipChildren();
        }
        return false;
    }
}
