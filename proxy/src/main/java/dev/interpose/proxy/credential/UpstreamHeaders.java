package dev.interpose.proxy.credential;

import dev.interpose.config.ApiKey;
import dev.interpose.config.Dialect;
import dev.interpose.config.HeadersConfig;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.cache.CallerDigest;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Edits the headers an upstream is sent, after the end-to-end copy: the client's credentials off when the
 * {@link CredentialPolicy.Decision} says so, another vendor's headers off when the request crosses vendors, the
 * upstream's {@code headers.remove} and {@code headers.add}, then its own key in the header its dialect expects.
 * Stateless; on the event loop, once per attempt.
 */
public final class UpstreamHeaders {
    /** The {@code anthropic-version} an Anthropic upstream is sent when the client (of another API) sent none. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private UpstreamHeaders() {
    }

    /**
     * Edits {@code out}, the copy of the client's headers bound for {@code upstream}.
     *
     * @param client the family of the client's API
     */
    public static void apply(HttpHeaders out, CredentialPolicy.Decision decision, Dialect client,
            UpstreamConfig upstream) {
        boolean strip = decision == CredentialPolicy.Decision.STRIP || decision == CredentialPolicy.Decision.OWN_KEY;
        Dialect to = upstream.dialect().family();
        boolean crossing = client.family() != to;
        HeadersConfig edits = upstream.headers();
        List<String> drop = new ArrayList<>(4);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = out.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            String lower = name.toString().toLowerCase(Locale.ROOT);
            if (strip && CallerDigest.identifies(name) || crossing && foreign(lower, to)
                    || edits.remove().contains(lower)) {
                drop.add(lower);
            }
        }
        drop.forEach(out::remove);
        for (HeadersConfig.Header header : edits.add()) {
            out.set(header.name(), header.value());
        }
        if (decision == CredentialPolicy.Decision.OWN_KEY) {
            ApiKey key = upstream.apiKey().orElseThrow();
            String name = key.header() != null ? key.header() : to == Dialect.ANTHROPIC ? "x-api-key" : "authorization";
            out.set(name, name.equalsIgnoreCase("authorization") ? "Bearer " + key.value() : key.value());
        }
        if (crossing && to == Dialect.ANTHROPIC && !out.contains("anthropic-version")) {
            out.set("anthropic-version", ANTHROPIC_VERSION);
        }
    }

    /**
     * Whether a header (lowercase) belongs to a vendor other than {@code to}'s, or to the client's SDK: {@code
     * anthropic-*} and Claude Code's own ({@code x-claude-code-*}, {@code x-app}); {@code openai-*},
     * {@code chatgpt-account-id} and Codex's own ({@code x-codex-*}, {@code originator}, {@code session-id},
     * {@code thread-id}, {@code conversation_id}); {@code x-stainless-*} (the SDKs' own).
     */
    static boolean foreign(String lower, Dialect to) {
        if (lower.startsWith("x-stainless-")) {
            return true;
        }
        if (lower.startsWith("anthropic-") || lower.startsWith("x-claude-code-") || lower.equals("x-app")) {
            return to != Dialect.ANTHROPIC;
        }
        return (lower.startsWith("openai-") || lower.equals("chatgpt-account-id") || lower.startsWith("x-codex-")
                || lower.equals("originator") || lower.equals("session-id") || lower.equals("thread-id")
                || lower.equals("conversation_id")) && to != Dialect.OPENAI;
    }
}
