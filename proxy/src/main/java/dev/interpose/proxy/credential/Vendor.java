package dev.interpose.proxy.credential;

import dev.interpose.config.Defaults;
import dev.interpose.config.Dialect;
import dev.interpose.config.UpstreamConfig;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whose an upstream is, as far as credentials go. A built-in upstream ({@code anthropic}, {@code openai},
 * {@code chatgpt}) is its dialect's vendor wherever its URL points (a gateway the user put in front of it). A
 * defined one is the vendor of its host: {@code api.anthropic.com} is Anthropic's; {@code api.openai.com} and
 * {@code chatgpt.com} are OpenAI's; a loopback address is {@link #LOCAL}; any other host is {@link #OTHER}, a
 * third party. Only host literals are judged: no name is resolved.
 */
public enum Vendor {
    ANTHROPIC,
    OPENAI,
    /** {@code localhost}, {@code 127.0.0.0/8}, {@code ::1}: a model server on this machine. */
    LOCAL,
    /** Any other host: a third party. */
    OTHER;

    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Set<String> LOOPBACK = Set.of("localhost", "[::1]", "::1", "[0:0:0:0:0:0:0:1]");

    /** The vendor whose clients speak a dialect of this family. */
    public static Vendor of(Dialect dialect) {
        return dialect.family() == Dialect.ANTHROPIC ? ANTHROPIC : OPENAI;
    }

    /** Whose the upstream is: see the class comment. */
    public static Vendor hostOf(UpstreamConfig upstream) {
        if (Defaults.UPSTREAM_DIALECTS.containsKey(upstream.name())) {
            return of(upstream.dialect());
        }
        String host = upstream.url().getHost();
        if (host == null) {
            return OTHER;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return switch (host) {
            case "api.anthropic.com" -> ANTHROPIC;
            case "api.openai.com", "chatgpt.com" -> OPENAI;
            default -> LOOPBACK.contains(host) || LOOPBACK_V4.matcher(host).matches() ? LOCAL : OTHER;
        };
    }

    /** A vendor of models, whose credentials are its own (not {@link #LOCAL} or {@link #OTHER}). */
    public boolean isModelVendor() {
        return this == ANTHROPIC || this == OPENAI;
    }
}
