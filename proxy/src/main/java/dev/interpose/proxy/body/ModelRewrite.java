package dev.interpose.proxy.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;

/**
 * Replaces the value of a JSON body's top-level {@code "model"} in place: the bytes before and after the
 * old value are kept as they are (sliced, not copied), so the rest of the body reaches the upstream byte
 * for byte: no re-serialisation, no reordered keys, no changed number formats.
 */
public final class ModelRewrite {
    private static final JsonFactory JSON = new JsonFactory();

    private ModelRewrite() {
    }

    /**
     * A body whose top-level {@code model} is {@code model}, or null when {@code body} is not a JSON object
     * with a top-level string {@code model}. The result shares {@code body}'s memory (it holds its own
     * reference); {@code body} is neither released nor moved.
     */
    public static ByteBuf apply(ByteBuf body, String model) {
        long[] span = span(body);
        if (span == null) {
            return null;
        }
        int from = body.readerIndex();
        int start = (int) span[0];
        int end = (int) span[1];
        byte[] quoted = quote(model);
        CompositeByteBuf out = Unpooled.compositeBuffer(3);
        out.addComponent(true, body.retainedSlice(from, start));
        out.addComponent(true, Unpooled.wrappedBuffer(quoted));
        out.addComponent(true, body.retainedSlice(from + end, body.readableBytes() - end));
        return out;
    }

    /** The byte offsets (from the reader index) of the model string, quotes included, or null. */
    private static long[] span(ByteBuf body) {
        try (InputStream in = new ByteBufInputStream(body.duplicate());
                JsonParser parser = JSON.createParser(in)) {
            if (!ModelPeek.seekModel(parser)) {
                return null;
            }
            long start = parser.currentTokenLocation().getByteOffset();
            parser.getText(); // reads the string to its closing quote
            long end = parser.currentLocation().getByteOffset();
            return start >= 0 && end > start ? new long[] {start, end} : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] quote(String model) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(model);
        byte[] quoted = new byte[escaped.length + 2];
        quoted[0] = '"';
        System.arraycopy(escaped, 0, quoted, 1, escaped.length);
        quoted[quoted.length - 1] = '"';
        return quoted;
    }
}
