package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One whole server-sent event of an answer: its bytes as received, its name, its data as the SSE decoder read
 * it and that data read as the clients read it ({@code JSON.parse}, serde: one JSON value, JSON whitespace
 * around it, nothing after it), or why it cannot be read. An event the proxy writes instead of one it received
 * is {@link #written}. An immutable value but for its JSON, the gate's own copy, which a dialect may rewrite
 * (and then writes a new event).
 */
public final class SseEvent {
    /** Reads an event's data as the clients do: one JSON value, whitespace around it, nothing after it. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final byte[] raw;
    private final String name;
    private final byte[] data;
    private final ObjectNode json;
    private final boolean done;
    private final String unreadable;

    private SseEvent(byte[] raw, String name, byte[] data, ObjectNode json, boolean done, String unreadable) {
        this.raw = raw;
        this.name = name;
        this.data = data;
        this.json = json;
        this.done = done;
        this.unreadable = unreadable;
    }

    /** The event's bytes as received (null for an unreadable one). */
    public byte[] raw() {
        return raw;
    }

    /** Its {@code event:} name, or null. */
    public String name() {
        return name;
    }

    /** Its data lines joined, as the SSE decoder read them (UTF-8, not to be changed), or null when it has none. */
    public byte[] data() {
        return data;
    }

    /** Its data when that is a JSON object, else null. */
    public ObjectNode json() {
        return json;
    }

    /** Whether it is Chat's {@code data: [DONE]}. */
    public boolean done() {
        return done;
    }

    /** Why it cannot be judged, or null when it can. */
    public String unreadable() {
        return unreadable;
    }

    /** An event that cannot be judged, for {@code why}. */
    public static SseEvent unreadable(String why) {
        return new SseEvent(null, null, null, null, false, why);
    }

    /**
     * The event of {@code raw}, whose fields the SSE decoder read as {@code name} and {@code data} (null: none;
     * kept, not copied).
     */
    public static SseEvent of(byte[] raw, String name, byte[] data) {
        if (data == null) {
            return new SseEvent(raw, name, null, null, false, null); // no data: nothing a client parses
        }
        String text = new String(data, StandardCharsets.UTF_8); // as a client decodes it
        if (isDone(text)) {
            return new SseEvent(raw, name, data, null, true, null);
        }
        try {
            JsonNode node = JSON.readTree(text); // empty or blank data reads as no value
            return new SseEvent(raw, name, data, node instanceof ObjectNode ? (ObjectNode) node : null, false, null);
        } catch (StreamConstraintsException e) {
            return unreadable("an event's data is past a limit of the proxy's JSON reader: " + e.getOriginalMessage());
        } catch (IOException e) {
            return unreadable("an event's data is not JSON" + (name == null ? "" : " (event " + shown(name) + ")"));
        }
    }

    /** The event of {@code raw} whose data the decoder read as {@code data} (text; null: none). */
    public static SseEvent of(byte[] raw, String name, String data) {
        return of(raw, name, data == null ? null : data.getBytes(StandardCharsets.UTF_8));
    }

    /** An event the proxy writes: {@code event: name} (when not null) and {@code data} on one line, UTF-8. */
    public static SseEvent written(String name, ObjectNode data) {
        String text = data.toString();
        byte[] raw = ((name != null ? "event: " + name + "\n" : "") + "data: " + text + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        return new SseEvent(raw, name, text.getBytes(StandardCharsets.UTF_8), data, false, null);
    }

    /** The bytes of an event the proxy writes ({@link #written}'s), when only its bytes are wanted. */
    public static byte[] encode(String name, ObjectNode data) {
        return ((name != null ? "event: " + name + "\n" : "") + "data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Chat's end: the SDKs take any data starting with {@code [DONE]} for it (here after JSON whitespace). */
    private static boolean isDone(String data) {
        int i = 0;
        while (i < data.length() && isJsonWhitespace(data.charAt(i))) {
            i++;
        }
        return data.startsWith("[DONE]", i);
    }

    private static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static String shown(String name) {
        String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return cut.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
