package dev.interpose.proxy.hook;

import java.util.List;

/**
 * How a hook's {@code systemMessage} reaches the person through the proxy. Claude Code prints it as a line of its
 * own above the answer; through the proxy the answer's text is the only thing every client shows, so each message
 * becomes a line of its own before the answer's text, marked as the hook's ({@value #MARK}). Stateless.
 */
public final class SystemMessages {
    /** What each message line starts with. */
    public static final String MARK = "[hook] ";

    private SystemMessages() {
    }

    /** {@code text} with each message before it, one line each, and a blank line between them and the text. */
    public static String before(List<String> messages, String text) {
        if (messages.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        for (String message : messages) {
            out.append(MARK).append(message.strip()).append('\n');
        }
        return out.append('\n').append(text == null ? "" : text).toString();
    }
}
