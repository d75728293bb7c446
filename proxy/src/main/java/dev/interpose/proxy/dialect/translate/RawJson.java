package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.interpose.proxy.body.StrictJson;
import dev.interpose.proxy.body.UnreadableBodyException;
import java.io.IOException;

/**
 * Reads a request body for translation as {@link StrictJson} would, into a tree whose long strings are
 * {@link RawText}s: left as the client's bytes (Jackson's parser skips them, validating, without decoding),
 * so that a translated request copies its system prompt, texts and tool descriptions byte for byte. The
 * bytes are checked as strict UTF-8 first ({@link Utf8}); Jackson then reads them as UTF-8 with duplicate
 * members refused and its default limits. Whatever this reader refuses goes to {@link StrictJson}, which
 * either names the fault or (should the two ever disagree) reads the tree itself. Stateless and
 * thread-safe; per call, on the caller's thread.
 */
final class RawJson {
    /** A string whose JSON text is longer than this stays raw; a shorter one (a type, an id) is decoded. */
    static final int RAW_FROM = 24;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final int MAX_STRING = StreamReadConstraints.DEFAULT_MAX_STRING_LEN;

    private final byte[] bytes;
    private final JsonParser parser;

    private RawJson(byte[] bytes, JsonParser parser) {
        this.bytes = bytes;
        this.parser = parser;
    }

    /** The object {@code body} holds. */
    static ObjectNode object(byte[] body) throws UnreadableBodyException {
        int offset = body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF ? 3 : 0;
        // No NUL byte either: then Jackson's encoding detection can only find UTF-8.
        if (Utf8.isStrictWithoutNul(body, offset, body.length)) {
            try (JsonParser parser = JSON.createParser(body, offset, body.length - offset)) {
                ObjectNode read = new RawJson(body, parser).whole();
                if (read != null) {
                    return read;
                }
            } catch (IOException | RuntimeException e) {
                // refused: StrictJson says why, below
            }
        }
        return StrictJson.object(body);
    }

    /** The object and nothing after it, else null. */
    private ObjectNode whole() throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        ObjectNode object = object();
        return parser.nextToken() == null ? object : null;
    }

    /** The object that starts at the current token; leaves the parser on its end. */
    private ObjectNode object() throws IOException {
        ObjectNode object = Json.object();
        JsonToken token = parser.nextToken();
        while (token == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            object.set(name, valueThenNext(parser.nextToken()));
            token = parser.currentToken();
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IOException("an object cut short");
        }
        return object;
    }

    private ArrayNode array() throws IOException {
        ArrayNode array = Json.array();
        JsonToken token = parser.nextToken();
        while (token != JsonToken.END_ARRAY && token != null) {
            array.add(valueThenNext(token));
            token = parser.currentToken();
        }
        if (token == null) {
            throw new IOException("an array cut short");
        }
        return array;
    }

    /** The value at {@code token}, leaving the parser on the token after it. */
    private JsonNode valueThenNext(JsonToken token) throws IOException {
        JsonNode value;
        if (token == JsonToken.VALUE_STRING) {
            return stringThenNext();
        } else if (token == JsonToken.START_OBJECT) {
            value = object();
        } else if (token == JsonToken.START_ARRAY) {
            value = array();
        } else if (token == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = parser.getNumberType(); // the node a mapper's tree would hold
            value = type == JsonParser.NumberType.INT ? IntNode.valueOf(parser.getIntValue())
                    : type == JsonParser.NumberType.LONG ? LongNode.valueOf(parser.getLongValue())
                    : BigIntegerNode.valueOf(parser.getBigIntegerValue());
        } else if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            value = BooleanNode.valueOf(token == JsonToken.VALUE_TRUE);
        } else if (token == JsonToken.VALUE_NULL) {
            value = NullNode.getInstance();
        } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            value = Json.MAPPER.readTree(parser); // as a mapper reads it (a double, unless told otherwise)
        } else {
            throw new IOException("a value expected");
        }
        parser.nextToken();
        return value;
    }

    /**
     * The string at the current token, decoded when its text is short; else raw, its end found once the
     * parser has skipped it: the closing quote is the last one before the next token.
     */
    private JsonNode stringThenNext() throws IOException {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        if (start < 0 || start >= bytes.length || bytes[start] != '"' || isShort(start)) {
            TextNode text = TextNode.valueOf(parser.getText());
            parser.nextToken();
            return text;
        }
        JsonToken next = parser.nextToken();
        int end = next == null ? bytes.length : (int) parser.currentTokenLocation().getByteOffset();
        end = closingQuote(start, end) + 1;
        RawText raw = new RawText(bytes, start, end);
        if (end - start > MAX_STRING && raw.textValue().length() > MAX_STRING) {
            throw new IOException("a string over Jackson's limit"); // StrictJson refuses it in its words
        }
        return raw;
    }

    private boolean isShort(int start) {
        int limit = Math.min(bytes.length, start + RAW_FROM);
        for (int i = start + 1; i < limit; i++) {
            if (bytes[i] == '"') {
                return true;
            }
            if (bytes[i] == '\\') {
                return false;
            }
        }
        return false;
    }

    /** The closing quote of the string at {@code start}: backwards from the next token, else forwards. */
    private int closingQuote(int start, int nextToken) {
        int i = nextToken - 1;
        while (i > start && isSpace(bytes[i])) {
            i--;
        }
        if (i > start && (bytes[i] == ',' || bytes[i] == ':')) {
            i--;
            while (i > start && isSpace(bytes[i])) {
                i--;
            }
        }
        if (i > start && bytes[i] == '"') {
            return i;
        }
        for (i = start + 1; bytes[i] != '"'; i++) {
            if (bytes[i] == '\\') {
                i++;
            }
        }
        return i;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
