package dev.interpose.proxy.error;

/**
 * The one exception type for the proxy's own failures. Expected I/O failures carry no stack trace; only
 * {@link ErrorKind#INTERNAL} (a programming error) does.
 */
public final class ProxyException extends RuntimeException {
    private final ErrorKind kind;

    public ProxyException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    public ProxyException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause, false, kind == ErrorKind.INTERNAL);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
