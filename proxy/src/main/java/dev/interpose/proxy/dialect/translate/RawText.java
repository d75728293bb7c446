package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A JSON string kept as the bytes of its JSON text, quotes and escapes included, as {@link RawJson} read it
 * or {@link TextJoin} joined it: written to a UTF-8 generator it is copied byte for byte, with no decode and
 * no escaping. Everything else (its text, its equality, any other generator) goes through the string it
 * decodes to, once, lazily; it is then indistinguishable from the {@link TextNode} of that string. Immutable
 * as a value; the decoded string is cached without a lock (two threads decoding at once get equal strings).
 */
final class RawText extends ValueNode {
    private static final long serialVersionUID = 1L;

    private final byte[] bytes;
    private final int start;
    private final int end;
    private transient TextNode decoded;

    /** The string whose JSON text is {@code bytes[start, end)}, its two quotes included. */
    RawText(byte[] bytes, int start, int end) {
        this.bytes = bytes;
        this.start = start;
        this.end = end;
    }

    /** Whether it is the empty string. */
    boolean isEmptyText() {
        return end - start == 2;
    }

    /** Whether the string starts with {@code prefix} (ASCII that needs no escape), read from its bytes undecoded. */
    boolean startsWithAscii(String prefix) {
        if (end - start - 2 < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[start + 1 + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Appends the JSON text between its quotes (escapes as they are). */
    void appendInside(ByteArrayBuilder out) {
        out.write(bytes, start + 1, end - start - 2);
    }

    private TextNode decoded() {
        TextNode text = decoded;
        if (text == null) {
            try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes, start, end - start)) {
                parser.nextToken();
                text = TextNode.valueOf(parser.getText());
            } catch (IOException e) {
                throw new UncheckedIOException("a raw string that does not decode", e);
            }
            decoded = text;
        }
        return text;
    }

    @Override
    public JsonNodeType getNodeType() {
        return JsonNodeType.STRING;
    }

    @Override
    public JsonToken asToken() {
        return JsonToken.VALUE_STRING;
    }

    @Override
    public String textValue() {
        return decoded().textValue();
    }

    @Override
    public String asText() {
        return decoded().asText();
    }

    @Override
    public String asText(String defaultValue) {
        return decoded().asText(defaultValue);
    }

    @Override
    public boolean asBoolean(boolean defaultValue) {
        return decoded().asBoolean(defaultValue);
    }

    @Override
    public int asInt(int defaultValue) {
        return decoded().asInt(defaultValue);
    }

    @Override
    public long asLong(long defaultValue) {
        return decoded().asLong(defaultValue);
    }

    @Override
    public double asDouble(double defaultValue) {
        return decoded().asDouble(defaultValue);
    }

    @Override
    public byte[] binaryValue() throws IOException {
        return decoded().binaryValue();
    }

    @Override
    public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
        if (generator instanceof UTF8JsonGenerator) {
            generator.writeRawUTF8String(bytes, start + 1, end - start - 2);
        } else {
            generator.writeString(textValue()); // a writer or a token buffer: the text itself
        }
    }

    @Override
    public boolean equals(Object other) {
        if (other instanceof RawText) {
            return decoded().equals(((RawText) other).decoded());
        }
        return other instanceof TextNode && decoded().equals(other);
    }

    @Override
    public int hashCode() {
        return decoded().hashCode();
    }
}
