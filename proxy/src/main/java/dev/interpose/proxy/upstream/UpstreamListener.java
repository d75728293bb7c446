package dev.interpose.proxy.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/** What an exchange hears from the upstream channel it owns. Called on that channel's event loop. */
public interface UpstreamListener {
    /** The response head (never a body part). */
    void onUpstreamHead(HttpResponse head);

    /** A part of the body; ownership passes to the listener, which must forward or release it. */
    void onUpstreamContent(HttpContent content);

    /** The end of one read from the socket. */
    void onUpstreamReadComplete();

    /** The channel closed or failed; {@code cause} is null for a plain close. */
    void onUpstreamClosed(Throwable cause);
}
