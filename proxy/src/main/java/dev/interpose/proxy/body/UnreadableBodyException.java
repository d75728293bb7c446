package dev.interpose.proxy.body;

/**
 * A JSON body the proxy cannot read as a whole (invalid UTF-8, not JSON, over a parser limit, a duplicate
 * member, not an object). The message says why in a few words and never quotes the body.
 */
public final class UnreadableBodyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean ambiguous;

    UnreadableBodyException(String message, boolean ambiguous) {
        super(message, null, false, false); // an expected condition: no stack trace
        this.ambiguous = ambiguous;
    }

    /**
     * Whether the body is valid JSON that readers may take in different ways (a member given twice): a
     * proxy that reads one value while the upstream reads the other must refuse it, not skip it.
     */
    public boolean ambiguous() {
        return ambiguous;
    }
}
