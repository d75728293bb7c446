package dev.interpose.commands;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /name args} at the start of what the person typed: the name and the argument text. A path such as
 * {@code /tmp/x} is not an invocation (the name must end at whitespace or the end of the text).
 *
 * @param name      the command name as typed, without the slash ({@code git:pr}, {@code pr})
 * @param arguments everything after the name and the whitespace that follows it; empty when none
 */
public record Invocation(String name, String arguments) {
    private static final Pattern SLASH = Pattern.compile("/([A-Za-z0-9][A-Za-z0-9_.:-]*)(?:[ \\t\\r\\n]+(.*))?",
            Pattern.DOTALL);

    /** The invocation the text starts with (its first character must be the slash), or null. Never throws. */
    public static Invocation parse(String typed) {
        if (typed == null) {
            return null;
        }
        String text = typed.stripTrailing();
        if (text.length() < 2 || text.charAt(0) != '/') {
            return null;
        }
        Matcher m = SLASH.matcher(text);
        if (!m.matches()) {
            return null;
        }
        return new Invocation(m.group(1), m.group(2) == null ? "" : m.group(2).strip());
    }
}
