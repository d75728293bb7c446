package dev.interpose.proxy.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Finds the top-level {@code "model"} string of a JSON request body with a streaming parse that stops as
 * soon as it has it: both CLIs put {@code model} first, so this costs a few hundred nanoseconds whatever
 * the body's size. Never throws on bad input; a body that is not a JSON object has no model.
 */
public final class ModelPeek {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int PREFIX_BYTES = 2048;

    private ModelPeek() {
    }

    /** The model named by this body, or null. The buffer's indices are left as they are. */
    public static String of(ByteBuf body) {
        int length = body.readableBytes();
        if (length == 0) {
            return null;
        }
        if (body.hasArray()) {
            return of(body.array(), body.arrayOffset() + body.readerIndex(), length);
        }
        // Most bodies name the model within their first bytes: parse a small copy of those first.
        byte[] prefix = new byte[Math.min(length, PREFIX_BYTES)];
        body.getBytes(body.readerIndex(), prefix);
        String model = of(prefix, 0, prefix.length);
        if (model != null || prefix.length == length) {
            return model;
        }
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            return find(JSON.createParser(in));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The model named by this body, or null. */
    public static String of(byte[] body) {
        return of(body, 0, body.length);
    }

    private static String of(byte[] body, int offset, int length) {
        try {
            return find(JSON.createParser(body, offset, length));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String find(JsonParser parser) throws IOException {
        try (parser) {
            return seekModel(parser) ? parser.getText() : null;
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
