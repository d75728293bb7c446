package dev.interpose.proxy.body;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON body whole, as strictly as the strictest reader it may also reach: the bytes must be valid
 * UTF-8 (no overlong forms, no encoded surrogates: Jackson alone lets those through), the text one JSON
 * object and nothing after it, no member given twice at any depth, and within Jackson's default
 * {@code StreamReadConstraints} (nesting 1,000, numbers of 1,000 digits, strings of 20,000,000 chars,
 * names of 50,000). JSON whitespace around the object is allowed, and one leading UTF-8 byte order mark
 * (as {@code fetch}'s {@code response.json()} and Jackson reading bytes take it). What the hooks are shown is
 * then exactly what any upstream reads. Stateless and
 * thread-safe; allocates about three times the body, so it runs off the event loop.
 */
public final class StrictJson {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final int MAX_NAME_SHOWN = 64;

    private StrictJson() {
    }

    /** The object {@code body} holds. */
    public static ObjectNode object(byte[] body) throws UnreadableBodyException {
        return object(body, 0, body.length);
    }

    /** The object held by {@code length} bytes of {@code body} from {@code offset}. */
    public static ObjectNode object(byte[] body, int offset, int length) throws UnreadableBodyException {
        if (length >= 3 && body[offset] == (byte) 0xEF && body[offset + 1] == (byte) 0xBB
                && body[offset + 2] == (byte) 0xBF) {
            offset += 3; // a leading byte order mark: dropped by fetch's UTF-8 decode and by Jackson reading bytes
            length -= 3;
        }
        CharBuffer text = utf8(body, offset, length);
        try (JsonParser parser = JSON.createParser(text.array(), text.arrayOffset() + text.position(),
                text.remaining())) {
            JsonNode node = JSON.readTree(parser);
            if (!(node instanceof ObjectNode)) {
                throw new UnreadableBodyException(node == null ? "it is empty" : "it is not a JSON object", false);
            }
            if (parser.nextToken() != null) {
                throw new UnreadableBodyException("more JSON follows the object"
                        + at(parser.currentTokenLocation().getLineNr(), parser.currentTokenLocation().getColumnNr()),
                        false);
            }
            return (ObjectNode) node;
        } catch (StreamConstraintsException e) {
            // Its message names only sizes and the limit's setting, never the body's content.
            throw new UnreadableBodyException(e.getOriginalMessage(), false);
        } catch (JsonProcessingException e) {
            throw describe(e);
        } catch (IOException impossible) { // reading from memory
            throw new UnreadableBodyException("it could not be read: " + impossible.getClass().getSimpleName(), false);
        }
    }

    private static CharBuffer utf8(byte[] body, int offset, int length) throws UnreadableBodyException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body, offset, length);
        try {
            return decoder.decode(in);
        } catch (CharacterCodingException e) {
            throw new UnreadableBodyException("it is not valid UTF-8 (at byte " + (in.position() - offset) + ")", false);
        }
    }

    /** Jackson's reason without the snippet of body it may quote. */
    private static UnreadableBodyException describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String where = e.getLocation() == null ? "" : at(e.getLocation().getLineNr(), e.getLocation().getColumnNr());
        if (e instanceof JsonParseException && message.startsWith("Duplicate field '")) {
            String name = message.substring("Duplicate field '".length(), Math.max(message.lastIndexOf('\''),
                    "Duplicate field '".length()));
            String shown = name.length() > MAX_NAME_SHOWN ? name.substring(0, MAX_NAME_SHOWN) + "…" : name;
            return new UnreadableBodyException("member \"" + shown + "\" appears twice in one object" + where, true);
        }
        if (message.startsWith("Unexpected character (")) {
            int end = message.indexOf("))");
            return new UnreadableBodyException("it is not valid JSON: "
                    + (end > 0 ? message.substring(0, end + 2) : "unexpected character") + where, false);
        }
        if (message.startsWith("Unexpected end-of-input")) {
            return new UnreadableBodyException("it is not valid JSON: it ends too early" + where, false);
        }
        return new UnreadableBodyException("it is not valid JSON" + where, false);
    }

    private static String at(int line, int column) {
        return line > 0 ? " (line " + line + ", column " + column + ")" : "";
    }
}
