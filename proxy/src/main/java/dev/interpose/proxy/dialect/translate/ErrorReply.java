package dev.interpose.proxy.dialect.translate;

/** An error as the client's API answers it: its HTTP status and its JSON body (UTF-8). */
public record ErrorReply(int status, byte[] body) {
}
