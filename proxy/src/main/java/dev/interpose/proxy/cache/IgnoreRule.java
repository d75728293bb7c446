package dev.interpose.proxy.cache;

import com.fasterxml.jackson.core.JsonParser;
import dev.interpose.config.Glob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One ignore rule of the cache key: a JSON pointer whose {@code *} steps match any member or element, and,
 * after {@code =}, an optional glob that the string value must match. Immutable; shared by every thread
 * that builds keys.
 */
final class IgnoreRule {
    /** The steps, {@code null} for {@code *}. */
    final String[] steps;
    /** Each step's array index, or -1 when the step cannot name an element. */
    final int[] indices;
    /** The glob the string value must match, or null when the rule leaves out any value at its place. */
    final Glob glob;
    /** The glob's literal start in ASCII, compared with the raw string before anything is decoded. */
    private final byte[] prefix;

    private IgnoreRule(String[] steps, int[] indices, Glob glob, String pattern) {
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

    /**
     * @param text {@code /json/pointer} with {@code *} steps, optionally {@code =glob}
     * @throws IllegalArgumentException for a rule that does not start with {@code /}
     */
    static IgnoreRule parse(String text) {
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
        return new IgnoreRule(steps, indices, glob, eq < 0 ? null : text.substring(eq + 1));
    }
}
