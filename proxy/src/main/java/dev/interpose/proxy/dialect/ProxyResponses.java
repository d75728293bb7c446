package dev.interpose.proxy.dialect;

import dev.interpose.proxy.error.ErrorKind;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Builds the proxy's own complete responses: errors in the client's dialect and small local answers. */
public final class ProxyResponses {
    private static final HttpResponseStatus OVERLOADED = new HttpResponseStatus(529, "Overloaded");

    private ProxyResponses() {
    }

    /** An error response in the client's dialect; the caller writes it and owns it until then. */
    public static FullHttpResponse error(ApiDialect dialect, ErrorKind kind, String message, String requestId,
            boolean keepAlive) {
        FullHttpResponse response = complete(status(dialect.status(kind)), dialect.errorBody(kind, message),
                HttpHeaderValues.APPLICATION_JSON, requestId, keepAlive);
        if (kind == ErrorKind.SHUTTING_DOWN) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response;
    }

    /**
     * The answer while an upstream's circuit breaker is open, in the form each CLI retries after a pause:
     * Anthropic's 529 {@code overloaded_error}, OpenAI's 503, both with {@code retry-after}.
     */
    public static FullHttpResponse circuitOpen(ApiDialect dialect, String message, String requestId, boolean keepAlive,
            long retryAfterSeconds) {
        FullHttpResponse response = error(dialect, ErrorKind.CIRCUIT_OPEN, message, requestId, keepAlive);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
        return response;
    }

    /** A complete response with this body and content type. */
    public static FullHttpResponse complete(HttpResponseStatus status, byte[] body, CharSequence contentType,
            String requestId, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("x-request-id", requestId);
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }

    private static HttpResponseStatus status(int code) {
        return code == 529 ? OVERLOADED : HttpResponseStatus.valueOf(code);
    }
}
