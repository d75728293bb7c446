package dev.interpose.proxy.route;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;

/** Which CLI sent a request, told from its {@code User-Agent} (and Codex's {@code originator}). */
public enum ClientKind {
    CLAUDE, CODEX, OTHER;

    /** The client of a request with these headers. */
    public static ClientKind of(HttpHeaders headers) {
        return of(headers.get("user-agent"), headers.get("originator"));
    }

    /** The client with this {@code User-Agent} and {@code originator} (either may be null). */
    public static ClientKind of(String userAgent, String originator) {
        String agent = userAgent == null ? "" : userAgent.toLowerCase(Locale.ROOT);
        if (agent.startsWith("claude-cli/") || agent.contains("claude-code")) {
            return CLAUDE;
        }
        if (agent.startsWith("codex") || agent.contains("codex_") || (originator != null && originator.startsWith("codex"))) {
            return CODEX;
        }
        return OTHER;
    }

    /** Lower-case name used in logs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
