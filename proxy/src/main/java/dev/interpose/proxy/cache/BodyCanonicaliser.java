package dev.interpose.proxy.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a JSON body into a key in canonical form: the members of every object sorted by name, so key order
 * does not matter; strings copied as written (never decoded), numbers as written; the parts named by an
 * {@link IgnoreRule} left out. One pass of Jackson's streaming parser over the bytes; nothing is built but the
 * key. A body whose tree a stage already read (the hooks) is written from the tree instead, so its JSON is
 * never read twice: its strings as Jackson writes them and its numbers as the tree holds them, which is what
 * its bytes say too when Jackson wrote them (a hook's rewrite). Immutable once built; shared by every thread
 * that builds keys.
 */
final class BodyCanonicaliser {
    private static final JsonFactory JSON = new JsonFactory();
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private final IgnoreRule[] rules;
    private final long all;

    /** @param rules at most 64 rules: each is one bit of the masks that follow the path */
    BodyCanonicaliser(IgnoreRule[] rules) {
        if (rules.length > Long.SIZE) {
            throw new IllegalArgumentException("at most " + Long.SIZE + " ignore rules");
        }
        this.rules = rules;
        all = rules.length == Long.SIZE ? -1L : (1L << rules.length) - 1;
    }

    /** Writes the tree {@code json} to {@code out}. */
    void write(JsonNode json, KeyBytes out) {
        try (JsonParser p = json.traverse(); TreeStrings strings = new TreeStrings()) {
            value(p, null, strings, p.nextToken(), out, 0, all);
        } catch (IOException impossible) { // a tree in memory
            throw new IllegalStateException(impossible);
        }
    }

    /** Writes {@code body} to {@code out}; false when it is not one JSON object or array (then out is spoiled). */
    boolean write(byte[] body, KeyBytes out) {
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                return false;
            }
            value(p, body, null, first, out, 0, all);
            return p.nextToken() == null;
        } catch (IOException e) {
            return false; // not JSON: forwarded, never cached
        }
    }

    /**
     * One value, at {@code depth}, where {@code mask} holds the rules whose first {@code depth} steps match
     * the path to it; {@code body} is the bytes {@code p} reads, or null when it walks a tree ({@code strings}
     * then writes its strings).
     */
    private void value(JsonParser p, byte[] body, TreeStrings strings, JsonToken token, KeyBytes out, int depth,
            long mask) throws IOException {
        int open = -1;
        if (token == JsonToken.VALUE_STRING && body != null) {
            open = (int) p.currentTokenLocation().getByteOffset();
            if (open < 0 || open >= body.length || body[open] != '"') {
                throw new IOException("no string at " + open);
            }
        }
        for (long m = mask; m != 0; m &= m - 1) {
            IgnoreRule rule = rules[Long.numberOfTrailingZeros(m)];
            if (rule.steps.length == depth && (rule.glob == null || (token == JsonToken.VALUE_STRING
                    && (body == null ? rule.glob.matches(p.getText()) : rule.matches(p, body, open + 1))))) {
                p.skipChildren();
                out.put('x');
                return;
            }
        }
        switch (token) {
            case START_OBJECT:
                object(p, body, strings, out, depth, mask);
                break;
            case START_ARRAY:
                out.put('[');
                int index = 0;
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    value(p, body, strings, e, out, depth + 1, child(mask, depth, null, index++));
                }
                out.put(']');
                break;
            case VALUE_STRING:
                out.put('s');
                if (body == null) {
                    strings.write(p.getText(), out);
                    break;
                }
                // The string as written, copied from the body: the parser only skips it, never decodes it.
                int close = closingQuote(body, open + 1);
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
    private void object(JsonParser p, byte[] body, TreeStrings strings, KeyBytes out, int depth, long mask)
            throws IOException {
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
            value(p, body, strings, p.nextToken(), out, depth + 1, child(mask, depth, name, -1));
        }
        if (!sorted) {
            out.reorder(from, names, starts, count);
        }
        out.put('}');
    }

    /** The rules of {@code mask} that still match once the path takes the step {@code name} (or {@code index}). */
    private long child(long mask, int depth, String name, int index) {
        long next = 0;
        for (long m = mask; m != 0; m &= m - 1) {
            int i = Long.numberOfTrailingZeros(m);
            IgnoreRule rule = rules[i];
            if (rule.steps.length > depth) {
                String step = rule.steps[depth];
                if (step == null || (name != null ? step.equals(name) : rule.indices[depth] == index)) {
                    next |= 1L << i;
                }
            }
        }
        return next;
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

    /**
     * Writes a tree's strings as Jackson's generator writes them into a body (its escapes, its handling of
     * surrogate pairs), so a tree keys as the bytes a hook's rewrite was written to would. One per key.
     */
    private static final class TreeStrings extends java.io.ByteArrayOutputStream {
        private final JsonGenerator generator;

        TreeStrings() throws IOException {
            super(256);
            generator = JSON.createGenerator(this);
            generator.setRootValueSeparator(null);
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // closing it must not close this again
        }

        /** {@code text} as written between its quotes. */
        void write(String text, KeyBytes out) throws IOException {
            reset();
            generator.writeString(text);
            generator.flush();
            out.bytes(buf, 1, count - 2);
        }

        @Override
        public void close() throws IOException {
            generator.close();
        }
    }
}
