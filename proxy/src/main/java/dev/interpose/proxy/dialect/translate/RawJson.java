package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 * {@link RawText}s: left as the client's bytes, so that a translated request copies its system prompt, texts
 * and tool descriptions byte for byte. A {@link Skeleton} pass checks the strings and cuts the long ones out;
 * Jackson reads what is left as UTF-8 within its default limits, and a member given twice in one object is
 * refused as the tree is built (its map says so for free). Whatever
 * this reader refuses goes to {@link StrictJson}, which either names the fault or (should the two ever
 * disagree) reads the tree itself. Stateless and thread-safe; per call, on the caller's thread.
 */
final class RawJson {
    /** A string value whose inside is longer than this many bytes stays raw; a shorter one (a type, an id) is decoded. */
    static final int RAW_FROM = 24;
    private static final JsonFactory JSON = new JsonFactory();

    private final byte[] body;
    private final Skeleton skeleton;
    private final JsonParser parser;
    private int values;
    private int hole;

    private RawJson(byte[] body, Skeleton skeleton, JsonParser parser) {
        this.body = body;
        this.skeleton = skeleton;
        this.parser = parser;
    }

    /** The object {@code body} holds. */
    static ObjectNode object(byte[] body) throws UnreadableBodyException {
        int offset = body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF ? 3 : 0;
        Skeleton skeleton = Skeleton.of(body, offset);
        if (skeleton != null) {
            try (JsonParser parser = JSON.createParser(skeleton.bytes, 0, skeleton.length)) {
                ObjectNode read = new RawJson(body, skeleton, parser).whole();
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
            if (object.replace(name, valueThenNext(parser.nextToken())) != null) {
                throw new IOException("a member twice in one object"); // StrictJson names it
            }
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

    /** The string at the current token: the next hole of the skeleton, raw, or else decoded. */
    private JsonNode stringThenNext() throws IOException {
        JsonNode text;
        if (hole < skeleton.holes && skeleton.ordinal[hole] == values) {
            text = new RawText(body, skeleton.start[hole], skeleton.end[hole]);
            hole++;
        } else {
            text = TextNode.valueOf(parser.getText());
        }
        values++;
        parser.nextToken();
        return text;
    }
}
