package dev.interpose.proxy.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.interpose.config.CacheConfig;
import dev.interpose.config.Dialect;
import dev.interpose.config.Glob;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a request into its {@link CacheKey}: dialect, upstream, method, path and query, model, the headers
 * that change an answer, a SHA-256 of the credential and of every header that may identify the caller or
 * an account (never the values themselves), and the JSON body in a
 * canonical form where the members of every object are sorted by name, so key order does not matter.
 *
 * <p>Parts of the body named by an ignore rule are left out: a JSON pointer whose {@code *} steps match any
 * member or element, and, after {@code =}, an optional glob that the string value must match. The body is
 * read with Jackson's streaming parser in one pass; nothing is built but the key.
 */
public final class KeyBuilder {
    private static final JsonFactory JSON = new JsonFactory();
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });
    /** Request headers that change what an upstream answers (version, beta features, account, format). */
    static final List<String> HEADERS = List.of("anthropic-version", "anthropic-beta", "openai-beta",
            "openai-organization", "openai-project", "accept", "accept-encoding");
    /** Request headers that identify the caller: only their digest enters a key. */
    static final List<String> CREDENTIALS = List.of("x-api-key", "authorization", "api-key", "cookie");
    /**
     * Any other header whose name holds one of these (in any case) may identify a caller or an account
     * ({@code chatgpt-account-id}, {@code x-goog-api-key}, {@code x-auth-token}, {@code openai-organization},
     * {@code x-tenant-id}, {@code x-forwarded-user}...): its digest enters the key too. Unknown headers that
     * look like credentials separate entries; only a header known to say nothing of the caller is left out.
     */
    static final List<String> IDENTITY_MARKERS = List.of("key", "token", "auth", "secret", "session", "account",
            "cookie", "credential", "password", "passwd", "signature", "user", "org", "project", "tenant",
            "principal", "identity", "email");
    /**
     * Names that hold a marker yet say nothing of who calls: the client's version, and the per-run session
     * ids Claude Code ({@code x-claude-code-session-id}) and Codex ({@code session-id}) send. Keyed on,
     * the same prompt from the same caller would never hit across two runs; the caller is still told apart
     * by the credential and account headers.
     */
    static final java.util.Set<String> NOT_IDENTITY = java.util.Set.of("user-agent", "x-claude-code-session-id",
            "session-id", "session_id");

    private final Rule[] rules;
    private final long all;

    /**
     * @param ignore the rules, each {@code /json/pointer} with {@code *} steps, optionally {@code =glob}
     * @throws IllegalArgumentException for a rule that does not start with {@code /}, or more than 64 rules
     */
    public KeyBuilder(List<String> ignore) {
        if (ignore.size() > CacheConfig.MAX_IGNORE_RULES) {
            throw new IllegalArgumentException("at most " + CacheConfig.MAX_IGNORE_RULES + " ignore rules");
        }
        rules = new Rule[ignore.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = Rule.parse(ignore.get(i));
        }
        all = rules.length == Long.SIZE ? -1L : (1L << rules.length) - 1;
    }

    /** The key of a request, or null when its body is not a JSON object or array (such a request is not cached). */
    public CacheKey key(Dialect dialect, String upstream, String method, String uri, String model, HttpHeaders headers,
            byte[] body) {
        Out out = new Out(body.length + 2048);
        out.text(dialect.name());
        out.text(upstream);
        out.text(method);
        int query = uri.indexOf('?');
        out.text(query < 0 ? uri : uri.substring(0, query)); // the query may carry a key: only in the digest
        out.text(model == null ? "" : model);
        for (String name : HEADERS) {
            List<String> values = headers.getAll(name);
            out.text(values.isEmpty() ? "" : values.size() == 1 ? values.get(0) : String.join("\n", values));
        }
        out.raw(credential(headers, query < 0 ? "" : uri.substring(query)));
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                return null;
            }
            value(p, body, first, out, 0, all);
            if (p.nextToken() != null) {
                return null;
            }
        } catch (IOException e) {
            return null; // not JSON: forwarded, never cached
        }
        byte[] bytes = out.array();
        if (bytes.length - out.size() > 64) {
            bytes = Arrays.copyOf(bytes, out.size()); // a key is weighed and kept at its array's size
        }
        return new CacheKey(bytes, out.size());
    }

    /**
     * SHA-256 over the query (which may carry a key) and every header that identifies the caller (see
     * {@link #identifies}), in name order, each name and value length-prefixed; 32 zero bytes for a request
     * with neither.
     */
    static byte[] credential(HttpHeaders headers, String query) {
        List<String[]> found = null;
        for (var i = headers.iteratorCharSequence(); i.hasNext(); ) {
            var header = i.next();
            if (identifies(header.getKey())) {
                if (found == null) {
                    found = new ArrayList<>(4);
                }
                found.add(new String[] {header.getKey().toString().toLowerCase(java.util.Locale.ROOT),
                        header.getValue().toString()});
            }
        }
        if (query.isEmpty() && found == null) {
            return new byte[32];
        }
        MessageDigest sha = SHA256.get(); // looking one up costs more than hashing a key
        sha.reset();
        digest(sha, query);
        if (found != null) {
            found.sort((a, b) -> a[0].compareTo(b[0])); // stable: a repeated header keeps its values' order
            for (String[] header : found) {
                digest(sha, header[0]);
                digest(sha, header[1]);
            }
        }
        return sha.digest();
    }

    /** Whether a header (its name in any case) is a credential, or may be one: its digest enters the key. */
    static boolean identifies(CharSequence name) {
        for (String credential : CREDENTIALS) {
            if (io.netty.util.AsciiString.contentEqualsIgnoreCase(name, credential)) {
                return true;
            }
        }
        String lower = null;
        for (String marker : IDENTITY_MARKERS) {
            if (containsIgnoringCase(name, marker)) {
                lower = name.toString().toLowerCase(java.util.Locale.ROOT);
                break;
            }
        }
        return lower != null && !NOT_IDENTITY.contains(lower);
    }

    /** ASCII case-insensitive search of a lower-case {@code part} in {@code name}, without a copy. */
    private static boolean containsIgnoringCase(CharSequence name, String part) {
        outer:
        for (int from = 0; from + part.length() <= name.length(); from++) {
            for (int j = 0; j < part.length(); j++) {
                char c = name.charAt(from + j);
                if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != part.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void digest(MessageDigest sha, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
                (byte) bytes.length});
        sha.update(bytes);
    }

    /**
     * One value, at {@code depth}, where {@code mask} holds the rules whose first {@code depth} steps match
     * the path to it.
     */
    private void value(JsonParser p, byte[] body, JsonToken token, Out out, int depth, long mask) throws IOException {
        int open = -1;
        if (token == JsonToken.VALUE_STRING) {
            open = (int) p.currentTokenLocation().getByteOffset();
            if (open < 0 || open >= body.length || body[open] != '"') {
                throw new IOException("no string at " + open);
            }
        }
        for (long m = mask; m != 0; m &= m - 1) {
            Rule rule = rules[Long.numberOfTrailingZeros(m)];
            if (rule.steps.length == depth && (rule.glob == null
                    || (token == JsonToken.VALUE_STRING && rule.matches(p, body, open + 1)))) {
                p.skipChildren();
                out.put('x');
                return;
            }
        }
        switch (token) {
            case START_OBJECT:
                object(p, body, out, depth, mask);
                break;
            case START_ARRAY:
                out.put('[');
                int index = 0;
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    value(p, body, e, out, depth + 1, child(mask, depth, null, index++));
                }
                out.put(']');
                break;
            case VALUE_STRING:
                // The string as written, copied from the body: the parser only skips it, never decodes it.
                int close = closingQuote(body, open + 1);
                out.put('s');
                out.bytes(body, open + 1, close - open - 1);
                break;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                out.put('n');
                out.text(p.getText()); // as written: 1 and 1.0 are different requests
                break;
            case VALUE_TRUE:
                out.put('t');
                break;
            case VALUE_FALSE:
                out.put('f');
                break;
            case VALUE_NULL:
                out.put('z');
                break;
            default:
                throw new IOException("unexpected " + token);
        }
    }

    /** An object's members, sorted by name: written as they come, then put in order when they were not. */
    private void object(JsonParser p, byte[] body, Out out, int depth, long mask) throws IOException {
        out.put('{');
        int from = out.size();
        List<String> names = null;
        int[] starts = null;
        int count = 0;
        boolean sorted = true;
        String previous = null;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            if (names == null) {
                names = new ArrayList<>(8);
                starts = new int[8];
            } else if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            names.add(name);
            starts[count++] = out.size();
            if (previous != null && previous.compareTo(name) > 0) {
                sorted = false;
            }
            previous = name;
            out.put('k');
            out.text(name);
            value(p, body, p.nextToken(), out, depth + 1, child(mask, depth, name, -1));
        }
        if (!sorted) {
            out.reorder(from, names, starts, count);
        }
        out.put('}');
    }

    /**
     * The index of the quote that ends the string whose contents begin at {@code from}: eight bytes at a
     * time until a word holds a quote or a backslash, then byte by byte past it.
     */
    private static int closingQuote(byte[] b, int from) throws IOException {
        int i = from;
        while (i < b.length) {
            while (i + 8 <= b.length && !quoteOrBackslash((long) LONGS.get(b, i))) {
                i += 8;
            }
            if (i >= b.length) {
                break;
            }
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            i += c == '\\' ? 2 : 1; // an escape takes the byte after it, whatever it is
        }
        throw new IOException("unterminated string");
    }

    /** Whether any byte of the word is a quote or a backslash (the exact has-zero-byte test on each). */
    private static boolean quoteOrBackslash(long word) {
        long q = word ^ 0x2222222222222222L;
        long s = word ^ 0x5C5C5C5C5C5C5C5CL;
        return ((((q - 0x0101010101010101L) & ~q) | ((s - 0x0101010101010101L) & ~s)) & 0x8080808080808080L) != 0;
    }

    /** The rules of {@code mask} that still match once the path takes the step {@code name} (or {@code index}). */
    private long child(long mask, int depth, String name, int index) {
        long next = 0;
        for (long m = mask; m != 0; m &= m - 1) {
            int i = Long.numberOfTrailingZeros(m);
            Rule rule = rules[i];
            if (rule.steps.length > depth) {
                String step = rule.steps[depth];
                if (step == null || (name != null ? step.equals(name) : rule.indices[depth] == index)) {
                    next |= 1L << i;
                }
            }
        }
        return next;
    }

    /** One ignore rule: its steps ({@code null} for {@code *}), each step's array index or -1, and a value glob. */
    private static final class Rule {
        final String[] steps;
        final int[] indices;
        final Glob glob;
        /** The glob's literal start in ASCII, compared with the raw string before anything is decoded. */
        final byte[] prefix;

        private Rule(String[] steps, int[] indices, Glob glob, String pattern) {
            this.steps = steps;
            this.indices = indices;
            this.glob = glob;
            int end = 0;
            while (pattern != null && end < pattern.length() && "*?\\\"".indexOf(pattern.charAt(end)) < 0
                    && pattern.charAt(end) < 0x80) {
                end++;
            }
            this.prefix = pattern == null ? new byte[0] : pattern.substring(0, end).getBytes(StandardCharsets.US_ASCII);
        }

        /** Whether the string whose raw contents start at {@code from} matches the glob; decodes it only when it may. */
        boolean matches(JsonParser p, byte[] body, int from) throws IOException {
            for (int i = 0; i < prefix.length; i++) {
                byte c = from + i < body.length ? body[from + i] : (byte) '"';
                if (c == '\\') {
                    break; // an escape: judge the decoded text
                }
                if (c != prefix[i]) {
                    return false; // a system prompt of 20 KB is never decoded to learn it is not the billing line
                }
            }
            return glob.matches(p.getText());
        }

        static Rule parse(String text) {
            if (!text.startsWith("/")) {
                throw new IllegalArgumentException("an ignore rule is a JSON pointer starting with /: " + text);
            }
            int eq = text.indexOf('=');
            String pointer = eq < 0 ? text : text.substring(0, eq);
            Glob glob = eq < 0 ? null : new Glob(text.substring(eq + 1));
            String[] steps = pointer.substring(1).split("/", -1);
            int[] indices = new int[steps.length];
            for (int i = 0; i < steps.length; i++) {
                String step = steps[i].replace("~1", "/").replace("~0", "~");
                steps[i] = step.equals("*") ? null : step;
                indices[i] = step.matches("0|[1-9][0-9]{0,8}") ? Integer.parseInt(step) : -1;
            }
            return new Rule(steps, indices, glob, eq < 0 ? null : text.substring(eq + 1));
        }
    }

    /** A growing byte array. */
    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        int size() {
            return size;
        }

        void put(char c) {
            ensure(1);
            buf[size++] = (byte) c;
        }

        /** A length-prefixed string: no separator can be forged by the text. */
        void text(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            bytes(b, 0, b.length);
        }

        /** Length-prefixed bytes of {@code b}. */
        void bytes(byte[] b, int from, int length) {
            ensure(length + 5);
            int n = length;
            while (n >= 0x80) {
                buf[size++] = (byte) (n | 0x80);
                n >>>= 7;
            }
            buf[size++] = (byte) n;
            System.arraycopy(b, from, buf, size, length);
            size += length;
        }

        void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        /** Rewrites the members from {@code from} to the end in name order (stable for repeated names). */
        void reorder(int from, List<String> names, int[] starts, int count) {
            byte[] region = Arrays.copyOfRange(buf, from, size);
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> names.get(a).compareTo(names.get(b)));
            int at = from;
            for (int i : order) {
                int start = starts[i] - from;
                int end = (i + 1 < count ? starts[i + 1] : size) - from;
                System.arraycopy(region, start, buf, at, end - start);
                at += end - start;
            }
        }

        /** The bytes written so far are the first {@link #size} of this array. */
        byte[] array() {
            return buf;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }
}
