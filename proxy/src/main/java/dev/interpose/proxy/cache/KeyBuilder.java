package dev.interpose.proxy.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.body.RequestBody;
import dev.interpose.config.CacheConfig;
import dev.interpose.config.Dialect;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Turns a request into its {@link CacheKey}: dialect, upstream, method, path and query, model, the headers
 * that change an answer, a SHA-256 of the credential and of every header that may identify the caller or
 * an account (never the values themselves; {@link CallerDigest}), and the JSON body in a
 * canonical form where the members of every object are sorted by name, so key order does not matter
 * ({@link BodyCanonicaliser}).
 *
 * <p>Parts of the body named by an ignore rule are left out: a JSON pointer whose {@code *} steps match any
 * member or element, and, after {@code =}, an optional glob that the string value must match
 * ({@link IgnoreRule}). The body is read with Jackson's streaming parser in one pass; nothing is built but
 * the key. Immutable; one instance serves every event loop.
 */
public final class KeyBuilder {
    /** Request headers that change what an upstream answers (version, beta features, account, format). */
    static final List<String> HEADERS = List.of("anthropic-version", "anthropic-beta", "openai-beta",
            "openai-organization", "openai-project", "accept", "accept-encoding");
    /** Parts of a header name that may identify a caller: see {@link CallerDigest#IDENTITY_MARKERS}. */
    static final List<String> IDENTITY_MARKERS = CallerDigest.IDENTITY_MARKERS;
    /** Names that hold a marker yet say nothing of who calls: see {@link CallerDigest#NOT_IDENTITY}. */
    static final Set<String> NOT_IDENTITY = CallerDigest.NOT_IDENTITY;

    private final BodyCanonicaliser body;

    /**
     * @param ignore the rules, each {@code /json/pointer} with {@code *} steps, optionally {@code =glob}
     * @throws IllegalArgumentException for a rule that does not start with {@code /}, or more than 64 rules
     */
    public KeyBuilder(List<String> ignore) {
        if (ignore.size() > CacheConfig.MAX_IGNORE_RULES) {
            throw new IllegalArgumentException("at most " + CacheConfig.MAX_IGNORE_RULES + " ignore rules");
        }
        IgnoreRule[] rules = new IgnoreRule[ignore.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = IgnoreRule.parse(ignore.get(i));
        }
        body = new BodyCanonicaliser(rules);
    }

    /**
     * The key of a request, or null when its body is not a JSON object or array (such a request is not cached).
     * Written from the body's tree when a stage already read it, else in one streaming pass over its bytes.
     */
    public CacheKey key(Dialect dialect, String upstream, String method, String uri, String model, HttpHeaders headers,
            RequestBody body) {
        ObjectNode tree = body.jsonIfRead();
        return tree != null ? key(dialect, upstream, method, uri, model, headers, body.bytes().length, tree, null)
                : key(dialect, upstream, method, uri, model, headers, body.bytes());
    }

    /** The key of a request whose body is {@code body}, or null when it is not a JSON object or array. */
    public CacheKey key(Dialect dialect, String upstream, String method, String uri, String model, HttpHeaders headers,
            byte[] body) {
        return key(dialect, upstream, method, uri, model, headers, body.length, null, body);
    }

    private CacheKey key(Dialect dialect, String upstream, String method, String uri, String model,
            HttpHeaders headers, int size, ObjectNode tree, byte[] body) {
        KeyBytes out = new KeyBytes(size + 2048);
        out.text(dialect.name());
        out.text(upstream);
        out.text(method);
        int query = uri.indexOf('?');
        out.text(query < 0 ? uri : uri.substring(0, query)); // the query may carry a key: only in the digest
        out.text(model == null ? "" : model);
        for (String name : HEADERS) {
            List<String> values = headers.getAll(name);
            out.text(values.isEmpty() ? "" : values.size() == 1 ? values.get(0) : String.join("\n", values));
        }
        out.raw(CallerDigest.of(headers, query < 0 ? "" : uri.substring(query)));
        if (tree != null) {
            this.body.write(tree, out);
        } else if (!this.body.write(body, out)) {
            return null;
        }
        byte[] bytes = out.array();
        if (bytes.length - out.size() > 64) {
            bytes = Arrays.copyOf(bytes, out.size()); // a key is weighed and kept at its array's size
        }
        return new CacheKey(bytes, out.size());
    }

    /** Whether a header (its name in any case) is a credential, or may be one: its digest enters the key. */
    static boolean identifies(CharSequence name) {
        return CallerDigest.identifies(name);
    }
}
