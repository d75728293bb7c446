package dev.interpose.proxy.outcome;

import java.util.Locale;

/** How an exchange ended. Exactly one per exchange; it feeds the access log and the metrics alike. */
public enum Outcome {
    /** The upstream's answer (whatever its status) reached the client whole. */
    OK,
    /** The proxy failed the exchange; the record carries the {@code ErrorKind}. */
    FAILED,
    /** The client went away first. */
    CANCELLED,
    /** The proxy answered the request itself (health, metrics, a routing error it was asked for). */
    LOCAL,
    /** A hook blocked the request; the proxy answered with a reply saying so. */
    BLOCKED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
