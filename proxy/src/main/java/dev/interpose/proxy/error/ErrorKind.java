package dev.interpose.proxy.error;

/**
 * Every way an exchange can fail on the proxy's side, with the status sent when the response head has
 * not gone out yet, the machine-readable code, and whether a client may retry.
 */
public enum ErrorKind {
    BAD_REQUEST(400, "bad_request", false),
    /** The route sends the request to an upstream of another API, and the proxy does not translate yet. */
    TRANSLATION_UNAVAILABLE(400, "translation_unavailable", false),
    /** The client's credential is for another vendor than the upstream's, which has no key of its own. */
    CREDENTIAL_NOT_FORWARDED(403, "credential_not_forwarded", false),
    /** A request from a browser page or through a foreign host name (DNS rebinding): refused before anything runs. */
    FORBIDDEN(403, "forbidden", false),
    NOT_FOUND(404, "not_found", false),
    /** The client did not finish sending its request in time. */
    REQUEST_TIMEOUT(408, "request_timeout", true),
    BODY_TOO_LARGE(413, "request_too_large", false),
    URI_TOO_LONG(414, "uri_too_long", false),
    UPGRADE_REQUIRED(426, "upgrade_required", false),
    /** The client already has as many runs of a kind in flight as it may. */
    TOO_MANY_REQUESTS(429, "too_many_requests", true),
    HEADERS_TOO_LARGE(431, "request_header_fields_too_large", false),
    /** A transfer coding the proxy cannot frame (anything but chunked). */
    NOT_IMPLEMENTED(501, "not_implemented", false),
    UPSTREAM_UNREACHABLE(502, "upstream_unreachable", true),
    UPSTREAM_RESET(502, "upstream_reset", true),
    UPSTREAM_BAD_RESPONSE(502, "upstream_bad_response", true),
    UPSTREAM_TIMEOUT(504, "upstream_timeout", true),
    /** After the head: the upstream went silent for longer than the idle timeout. */
    UPSTREAM_IDLE_TIMEOUT(504, "upstream_idle_timeout", true),
    /** After the head: the upstream closed or failed before the end of the body. */
    UPSTREAM_TRUNCATED(502, "upstream_truncated", true),
    SHUTTING_DOWN(503, "shutting_down", true),
    /** The upstream's circuit breaker is open: answered at once, 529 for Anthropic clients (overloaded). */
    CIRCUIT_OPEN(503, "circuit_open", true),
    /** The upstream's bulkhead stayed full for longer than its wait. */
    UPSTREAM_BUSY(503, "upstream_busy", true),
    /** A hook did not decide in time: after the head, {@code PreToolUse} hooks holding back a tool call. */
    HOOK_TIMEOUT(504, "hook_timeout", true),
    INTERNAL(500, "internal_error", true);

    private final int status;
    private final String code;
    private final boolean retryable;

    ErrorKind(int status, String code, boolean retryable) {
        this.status = status;
        this.code = code;
        this.retryable = retryable;
    }

    /** HTTP status when the error is answered before the response head. */
    public int status() {
        return status;
    }

    /** Machine-readable code, stable, used in logs, metrics and error bodies. */
    public String code() {
        return code;
    }

    /** Whether the same request may succeed if sent again. */
    public boolean retryable() {
        return retryable;
    }
}
