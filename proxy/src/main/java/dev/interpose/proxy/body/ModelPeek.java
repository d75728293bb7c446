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
 * Finds the top-level {@code "model"} string of a JSON request body, and refuses a body that names it twice
 * (the proxy would route on one value while the upstream reads the other). First a byte scan of the whole
 * body ({@link ModelCandidates}) counts the top-level names that could read as {@code model}; when it finds
 * at most one, no second one can exist, and a streaming parse stops at the first (both CLIs put
 * {@code model} first). Only when the scan finds two or more, or cannot follow the body, does a streaming
 * parse read every top-level member's name to the end, skipping values unread, and decide. On the 47 KB
 * Claude Code request the scan takes about two thirds of the time of that whole read (13 µs against 20 µs
 * on a busy two-core machine, {@code ModelPeekTiming}): a check that no second member hides anywhere reads
 * every byte, and the scan is about as fast as finding every quote eight bytes at a time. A body that is
 * not a JSON object, or not JSON to its end, has no model. Jackson's size limits are lifted here (skipped
 * values are never held), but not the nesting depth, whose parser state grows with it.
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
        boolean whole = needsWholeRead(ModelCandidates.count(body));
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            return whole ? find(JSON.createParser(in)) : first(JSON.createParser(in));
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
        boolean whole = needsWholeRead(ModelCandidates.count(body, offset, length));
        try {
            JsonParser parser = JSON.createParser(body, offset, length);
            return whole ? find(parser) : first(parser);
        } catch (Duplicate e) {
            throw duplicate();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the scan left a second top-level {@code model} possible, or could not follow the body. */
    private static boolean needsWholeRead(int candidates) {
        return candidates == ModelCandidates.UNSURE || candidates > 1;
    }

    /** The first top-level model, read no further: the scan showed there is no second one. */
    private static String first(JsonParser parser) throws IOException {
        try (parser) {
            return seekModel(parser) ? parser.getText() : null;
        }
    }

    /** Every top-level member to the end: the model, null, or {@link Duplicate}. */
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
