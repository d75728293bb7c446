package dev.interpose.proxy.body;

/**
 * Every fixed size cap of the proxy, in bytes, in one place: how much of a request or a response it reads,
 * copies, holds or decodes, and what happens past each. Caps the configuration sets are read from it, not
 * here: the request body ({@code listener.max-body-bytes}, 413 past it; a compressed body is decoded to at
 * most that too), the request headers ({@code listener.max-header-bytes}, 431), and the largest answer
 * the cache stores ({@code cache.max-entry-bytes}). Constants only; no state.
 */
public final class Limits {
    // --- the client side ---

    /** The longest request line; a longer one is answered 414. */
    public static final int REQUEST_LINE_BYTES = 16 * 1024;
    /** The largest piece of a request body the codec hands on at once (the body itself is aggregated). */
    public static final int REQUEST_CHUNK_BYTES = 64 * 1024;
    /** A request body up to this size has its cache key built on the event loop; a larger one off it. */
    public static final int KEY_ON_LOOP_BYTES = 256 * 1024;
    /**
     * A request body up to this size is translated for another API's upstream on the event loop (a parse, a
     * new tree and its bytes: about 135 µs for Claude Code's 47 KB body), a larger one off it: the two thread
     * hand-offs cost about 160 µs on a 2-core VM, more than the work they move for a body of this size.
     */
    public static final int TRANSLATE_ON_LOOP_BYTES = 64 * 1024;
    /** The largest answer (whole, or an error) the proxy reads to translate for another API's client. */
    public static final int TRANSLATED_ANSWER_BYTES = 32 * 1024 * 1024;
    /** The largest body the agents API takes; a larger one is answered 413 before it is read. */
    public static final int AGENT_REQUEST_BYTES = 1024 * 1024;

    // --- the upstream side ---

    /** The longest status line of an upstream's answer. */
    public static final int UPSTREAM_STATUS_LINE_BYTES = 4096;
    /** The most header bytes of an upstream's answer; more is a malformed answer. */
    public static final int UPSTREAM_HEADER_BYTES = 64 * 1024;
    /** The largest piece of an upstream's body the codec hands on at once; the body itself streams. */
    public static final int UPSTREAM_CHUNK_BYTES = 64 * 1024;

    // --- reading an answer as it passes (it passes whatever the size) ---

    /**
     * The largest single server-sent event whose data is kept for usage and the assembler (a Responses
     * {@code response.completed} repeats the whole answer); a larger one is seen as truncated and skipped.
     */
    public static final int EVENT_BYTES = 8 * 1024 * 1024;
    /** The largest JSON answer (as sent, and decoded) read for its usage; a larger one reports none. */
    public static final int USAGE_BODY_BYTES = 4 * 1024 * 1024;
    /**
     * The largest JSON answer (as sent, and decoded) assembled for the {@code PostResponse} and {@code Stop}
     * hooks; past it those hooks do not run for it.
     */
    public static final int ASSEMBLED_BODY_BYTES = 8 * 1024 * 1024;

    // --- holding an answer for PreToolUse ---

    /** The largest event the tool gate judges; a larger one ends the stream with the API's error event. */
    public static final int GATE_EVENT_BYTES = 16 * 1024 * 1024;
    /** The largest body (as sent, and decoded) the body gate holds to judge; a larger one is refused (502). */
    public static final int GATE_BODY_BYTES = 16 * 1024 * 1024;

    private Limits() {
    }
}
