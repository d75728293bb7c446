package dev.interpose.proxy.request;

import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.error.ErrorKind;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/** The client connection as a request's stages see it. Called on its event loop. */
public interface ClientSide {
    Channel channel();

    /** Writes the proxy's own answer; without {@code keepAlive} the connection closes after it. */
    void write(FullHttpResponse answer, boolean keepAlive);

    /** Answers {@code request} (released here) with an error in {@code dialect}, logged and counted. */
    void answerError(FullHttpRequest request, ApiDialect dialect, ErrorKind kind, String message, Arrival arrival);

    /** The request has its outcome and the connection may serve the next one. */
    void ended();
}
