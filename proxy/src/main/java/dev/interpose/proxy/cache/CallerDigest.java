package dev.interpose.proxy.cache;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a key that tells callers apart without holding who they are: a SHA-256 of the query and of
 * every header that is, or may be, a credential or an account. Stateless; each thread keeps its own digest.
 */
public final class CallerDigest {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });
    /** Request headers that identify the caller: only their digest enters a key. */
    static final List<String> CREDENTIALS = List.of("x-api-key", "authorization", "api-key", "cookie");
    /**
     * Any other header whose name holds one of these (in any case) may identify a caller or an account
     * ({@code chatgpt-account-id}, {@code x-goog-api-key}, {@code x-auth-token}, {@code openai-organization},
     * {@code x-tenant-id}, {@code x-forwarded-user}...): its digest enters the key too. Unknown headers that
     * look like credentials separate entries; only a header known to say nothing of the caller is left out.
     */
    static final List<String> IDENTITY_MARKERS = List.of("key", "token", "auth", "secret", "session", "account",
            "cookie", "credential", "password", "passwd", "signature", "user", "org", "project", "tenant",
            "principal", "identity", "email");
    /**
     * Names that hold a marker yet say nothing of who calls: the client's version, and the per-run session
     * ids Claude Code ({@code x-claude-code-session-id}) and Codex ({@code session-id}) send. Keyed on,
     * the same prompt from the same caller would never hit across two runs; the caller is still told apart
     * by the credential and account headers.
     */
    static final java.util.Set<String> NOT_IDENTITY = java.util.Set.of("user-agent", "x-claude-code-session-id",
            "session-id", "session_id");

    private CallerDigest() {
    }

    /**
     * SHA-256 over the query (which may carry a key) and every header that identifies the caller (see
     * {@link #identifies}), in name order, each name and value length-prefixed; 32 zero bytes for a request
     * with neither.
     */
    static byte[] of(HttpHeaders headers, String query) {
        List<String[]> found = null;
        for (var i = headers.iteratorCharSequence(); i.hasNext(); ) {
            var header = i.next();
            if (identifies(header.getKey())) {
                if (found == null) {
                    found = new ArrayList<>(4);
                }
                found.add(new String[] {header.getKey().toString().toLowerCase(java.util.Locale.ROOT),
                        header.getValue().toString()});
            }
        }
        if (query.isEmpty() && found == null) {
            return new byte[32];
        }
        MessageDigest sha = SHA256.get(); // looking one up costs more than hashing a key
        sha.reset();
        digest(sha, query);
        if (found != null) {
            found.sort((a, b) -> a[0].compareTo(b[0])); // stable: a repeated header keeps its values' order
            for (String[] header : found) {
                digest(sha, header[0]);
                digest(sha, header[1]);
            }
        }
        return sha.digest();
    }

    /** What {@link #identifies} answered for the names seen so far (a few dozen in practice; bounded). */
    private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> JUDGED =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_JUDGED = 4096;

    /**
     * Whether a header (its name in any case) is a credential, or may be one: its digest enters the key. Asked
     * of every header of every request (for the cache key, the credential rule, the headers that cross vendors);
     * the answer for a name is remembered, since judging it scans the name once per marker.
     */
    public static boolean identifies(CharSequence name) {
        String key = name.toString(); // the decoder's names are Strings already
        Boolean known = JUDGED.get(key);
        if (known != null) {
            return known;
        }
        boolean judged = judge(name);
        if (JUDGED.size() < MAX_JUDGED) { // a client inventing names gets them judged each time, nothing more
            JUDGED.put(key, judged);
        }
        return judged;
    }

    private static boolean judge(CharSequence name) {
        for (String credential : CREDENTIALS) {
            if (io.netty.util.AsciiString.contentEqualsIgnoreCase(name, credential)) {
                return true;
            }
        }
        String lower = null;
        for (String marker : IDENTITY_MARKERS) {
            if (containsIgnoringCase(name, marker)) {
                lower = name.toString().toLowerCase(java.util.Locale.ROOT);
                break;
            }
        }
        return lower != null && !NOT_IDENTITY.contains(lower);
    }

    /** ASCII case-insensitive search of a lower-case {@code part} in {@code name}, without a copy. */
    private static boolean containsIgnoringCase(CharSequence name, String part) {
        outer:
        for (int from = 0; from + part.length() <= name.length(); from++) {
            for (int j = 0; j < part.length(); j++) {
                char c = name.charAt(from + j);
                if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != part.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void digest(MessageDigest sha, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
                (byte) bytes.length});
        sha.update(bytes);
    }
}
