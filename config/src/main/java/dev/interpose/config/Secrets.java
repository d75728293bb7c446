package dev.interpose.config;

import java.net.URI;

/**
 * The one way a configured URL (an upstream's base URL, a {@code CONNECT} proxy) is shown anywhere: in
 * {@code config show}, {@code /health}, log lines and error messages. The credentials of
 * {@code http://user:secret@host} become {@code http://***@host}, and a query, which may carry a key, becomes
 * {@code ?***}. Pure and thread-safe.
 */
public final class Secrets {
    private static final String HIDDEN = "***";

    private Secrets() {
    }

    /** The URL as it may be shown. */
    public static String mask(URI url) {
        return url == null ? "null" : mask(url.toString());
    }

    /**
     * {@code text} with the credentials and the query of every URL in it hidden. A URL is anything after
     * {@code ://}; its authority runs to the next {@code /}, {@code ?}, {@code #}, quote, angle bracket or line
     * break (not to a space: a malformed value may hold one inside its password), and everything up to its
     * last {@code @} is hidden; its path and query end at white space.
     */
    public static String mask(String text) {
        if (text == null || !text.contains("://")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (int scheme = text.indexOf("://"); scheme >= 0; scheme = text.indexOf("://", at)) {
            int start = scheme + 3;
            out.append(text, at, start);
            int end = start;
            int lastAt = -1;
            while (end < text.length() && !endsAuthority(text.charAt(end))) {
                if (text.charAt(end) == '@') {
                    lastAt = end;
                }
                end++;
            }
            if (lastAt >= 0) {
                out.append(HIDDEN).append(text, lastAt, end);
            } else {
                out.append(text, start, end);
            }
            at = end;
            while (at < text.length() && !endsPath(text.charAt(at))) {
                if (text.charAt(at) == '?') {
                    out.append('?').append(HIDDEN);
                    at++;
                    while (at < text.length() && !endsPath(text.charAt(at)) && text.charAt(at) != '#') {
                        at++;
                    }
                    break;
                }
                if (text.startsWith("://", at)) {
                    break;
                }
                out.append(text.charAt(at++));
            }
        }
        out.append(text, at, text.length());
        return out.toString();
    }

    private static boolean endsAuthority(char c) {
        return c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\n'
                || c == '\r';
    }

    /** A path or query ends at a quote, an angle bracket or any white space. */
    private static boolean endsPath(char c) {
        return c == '"' || c == '\'' || c == '<' || c == '>' || Character.isWhitespace(c);
    }
}
