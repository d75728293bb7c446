package dev.interpose.proxy.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/**
 * An upstream's complete answer as it arrived: status, headers and body bytes (a whole SSE transcript for a
 * stream). Immutable and shared by every event loop; a replay wraps the bytes, never copies or changes them.
 */
public final class CachedResponse {
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;
    private final long storedAtMillis;

    public CachedResponse(int status, HttpHeaders upstreamHeaders, byte[] body, long storedAtMillis) {
        this.status = status;
        this.headers = new DefaultHttpHeaders().add(upstreamHeaders);
        this.body = body;
        this.storedAtMillis = storedAtMillis;
    }

    /** A fresh response head for one replay (the caller may change its headers). */
    public HttpResponse head() {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                new DefaultHttpHeaders().add(headers));
    }

    /** The body; callers only read it. */
    public byte[] body() {
        return body;
    }

    /** Seconds since it was stored, for the {@code age} header. */
    public long ageSeconds(long nowMillis) {
        return Math.max(0, (nowMillis - storedAtMillis) / 1000);
    }

    /** Bytes held: the body and an estimate for the headers. */
    int weight() {
        int h = 0;
        for (Map.Entry<String, String> e : headers) {
            h += e.getKey().length() + e.getValue().length() + 32;
        }
        return body.length + h + 64;
    }
}
