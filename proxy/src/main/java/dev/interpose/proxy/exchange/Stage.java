package dev.interpose.proxy.exchange;

/**
 * Where one request is in its life, from arrival to outcome. The client side ({@code server}) owns the first
 * three, the {@link Exchange} the rest; each stage names exactly one wait, so a stack trace or a log line
 * says what a request was doing.
 */
public enum Stage {
    /** Read whole from the client; nothing decided yet. */
    RECEIVED,
    /** Decoded, routed, its model rewritten, its cache key built. */
    PREPARING,
    /** With its commands, hooks or subagents, off the event loop. */
    REQUEST_HOOKS,
    /** Waiting for an identical request's answer from the response cache. */
    CACHE_WAIT,
    /** Waiting for a slot of the upstream's bulkhead. */
    QUEUED,
    /** Waiting out the back-off before the next attempt. */
    RETRY_WAIT,
    /** Waiting for a connection to the upstream (pooled or new). */
    CONNECTING,
    /** The request is sent; waiting for the response head. */
    AWAITING_HEAD,
    /** Relaying the response body to the client. */
    STREAMING,
    /** The upstream's body ended; a response gate still holds part of it for the {@code PreToolUse} hooks. */
    HOLDING,
    DONE,
    FAILED,
    CANCELLED;

    /** Whether the request has its outcome. */
    public boolean ended() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
