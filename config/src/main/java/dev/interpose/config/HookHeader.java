package dev.interpose.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the header comment that declares a hook script in a hooks folder. Within the first
 * {@value #HEADER_LINES} lines, comment lines ({@code #}, {@code //}, {@code --} or {@code ;}) of the form
 * {@code interpose-<key>: <value>}:
 * <pre>
 * #!/usr/bin/env bash
 * # interpose-event: PreToolUse, PostToolUse   (required: one or more events)
 * # interpose-matcher: Bash|Write              (tool events: which tools, as Claude Code reads a matcher; default all)
 * # interpose-order: 10                        (merge order among one event's hooks, lower first; default 100)
 * # interpose-timeout: 5s                      (the process tree is killed after it; default 60s)
 * # interpose-fail: closed                     (a hook error blocks the request; default open: it goes on)
 * </pre>
 */
public final class HookHeader {
    static final int HEADER_LINES = 30;
    private static final Pattern LINE = Pattern.compile("^\\s*(?:#|//|--|;)\\s*interpose-([a-z-]+)\\s*:\\s*(.*?)\\s*$");
    private static final List<String> KEYS = List.of("event", "matcher", "order", "timeout", "fail");

    private HookHeader() {
    }

    /** A header that does not declare a hook properly; the message names the line and the key. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** The hook {@code file} declares; its command is the file itself. */
    public static HookDefinition parse(Path file) throws Invalid, IOException {
        Set<HookEvent> events = EnumSet.noneOf(HookEvent.class);
        ToolMatcher matcher = null;
        int order = HookDefinition.DEFAULT_ORDER;
        Duration timeout = HookDefinition.DEFAULT_TIMEOUT;
        boolean failClosed = false;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int n = 1; n <= HEADER_LINES && (line = in.readLine()) != null; n++) {
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                String key = m.group(1);
                String value = m.group(2);
                String at = "line " + n + ": interpose-" + key + ": \"" + value + "\"";
                switch (key) {
                    case "event":
                        for (String name : value.split("[,\\s]+")) {
                            HookEvent event = HookEvent.of(name);
                            if (event == null) {
                                throw new Invalid(at + " (expected: one or more of " + String.join(", ", HookEvent.names())
                                        + ")");
                            }
                            events.add(event);
                        }
                        break;
                    case "matcher":
                        try {
                            matcher = HookDefinition.matcher(value);
                        } catch (PatternSyntaxException e) {
                            throw new Invalid(at + " (expected: tool names such as Bash|Write, or a regular expression)");
                        }
                        break;
                    case "order":
                        try {
                            order = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            throw new Invalid(at + " (expected: a whole number, lower runs first)");
                        }
                        break;
                    case "timeout":
                        timeout = ConfigLoader.parseDuration(value);
                        if (timeout == null || timeout.isZero()) {
                            throw new Invalid(at + " (expected: a positive duration such as 500ms, 30s or 5m)");
                        }
                        break;
                    case "fail":
                        String mode = value.toLowerCase(Locale.ROOT);
                        if (!mode.equals("open") && !mode.equals("closed")) {
                            throw new Invalid(at + " (expected: open or closed)");
                        }
                        failClosed = mode.equals("closed");
                        break;
                    default:
                        throw new Invalid("line " + n + ": interpose-" + key + ": unknown key (expected one of: "
                                + String.join(", ", KEYS.stream().map(k -> "interpose-" + k).toList()) + ")");
                }
            }
        } catch (java.io.UncheckedIOException | java.nio.charset.MalformedInputException e) {
            throw new Invalid("not a text script with a header comment (a binary? wrap it in a script)");
        }
        if (events.isEmpty()) {
            throw new Invalid("no \"# interpose-event: <event>\" line in its first " + HEADER_LINES
                    + " lines (expected: one or more of " + String.join(", ", HookEvent.names()) + ")");
        }
        return new HookDefinition(file.getFileName().toString(), events, matcher, order, timeout, failClosed,
                List.of(file.toAbsolutePath().toString()), false);
    }
}
