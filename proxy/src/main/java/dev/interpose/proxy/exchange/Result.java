package dev.interpose.proxy.exchange;

import dev.interpose.proxy.outcome.Outcome;
import dev.interpose.proxy.error.ErrorKind;

/**
 * How one request ended: exactly one per request, whoever answered it (an exchange, a hook, a command, the
 * proxy itself). The same value feeds the access log, the metrics and the response hooks, so they never
 * disagree. Immutable.
 *
 * @param kind    the error when {@code outcome} is {@link Outcome#FAILED}, else null
 * @param message what went wrong or who answered, for the log; null when there is nothing to say
 */
public record Result(Outcome outcome, ErrorKind kind, String message) {
    private static final Result OK = new Result(Outcome.OK, null, null);
    private static final Result CANCELLED = new Result(Outcome.CANCELLED, null, null);

    public Result {
        java.util.Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.FAILED) != (kind != null)) {
            throw new IllegalArgumentException("a failed result has a kind, no other has: " + outcome + " " + kind);
        }
    }

    /** The upstream's answer (whatever its status) reached the client whole. */
    public static Result ok() {
        return OK;
    }

    public static Result failed(ErrorKind kind, String message) {
        return new Result(Outcome.FAILED, kind, message);
    }

    /** The client went away first. */
    public static Result cancelled() {
        return CANCELLED;
    }

    /** The proxy answered itself (a command, the agents API, a local endpoint). */
    public static Result local(String message) {
        return new Result(Outcome.LOCAL, null, message);
    }

    /** A hook blocked the request; the proxy answered saying so. */
    public static Result blocked(String hook) {
        return new Result(Outcome.BLOCKED, null, "blocked by hook " + hook);
    }

    public boolean isOk() {
        return outcome == Outcome.OK;
    }
}
