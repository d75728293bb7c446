package dev.interpose.config;

import java.util.regex.Pattern;

/**
 * What a value may look like when the proxy shows it: on {@code /health}, in a log line, in an error
 * message or in {@code config show}. The credentials a URL carries ({@code http://user:secret@host}) are
 * replaced by {@code ***}; nothing else changes. Every output that prints a configured value goes through
 * here, so a secret written into a URL never leaves the config file. Stateless; thread-safe.
 */
public final class Redact {
    /** The user information of every URL in a text: after {@code scheme://}, up to the last {@code @} before the host. */
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#\\s\"]*@");

    private Redact() {
    }

    /** {@code text} with the credentials of every URL in it masked. */
    public static String urls(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        return USER_INFO.matcher(text).replaceAll("***@");
    }

    /** The URL as it may be shown: without its credentials. */
    public static String url(java.net.URI url) {
        return urls(url.toString());
    }
}
