package dev.interpose.proxy.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.config.Dialect;
import dev.interpose.proxy.body.RequestBody;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.dialect.translate.TokenEstimate;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.exchange.RequestInfo;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code /v1/messages/count_tokens} for a route whose upstream is not Anthropic's API, which has no such call:
 * answered here with {@link TokenEstimate}'s estimate, marked {@code x-interpose-token-estimate: true}, rather than
 * sent to an upstream that cannot read it. On the event loop (the body is read once, as it is small next to the
 * answer it spares).
 */
final class TokenCount {
    static final String HEADER = "x-interpose-token-estimate";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenCount() {
    }

    /** Whether the proxy answers this request itself. */
    static boolean answersHere(RequestInfo info) {
        return info.path().equals("/v1/messages/count_tokens")
                && info.route().upstream().dialect().family() != Dialect.ANTHROPIC;
    }

    /** The estimate, or a 400 in Anthropic's shape when the body is not one JSON object; releases the request. */
    static FullHttpResponse answer(ExchangeContext exchanges, FullHttpRequest request, RequestBody body,
            RequestInfo info) {
        try {
            RequestBody read = body != null ? body : RequestBody.copyOf(request.content());
            byte[] answer = JSON.writeValueAsBytes(TokenEstimate.countTokensAnswer(read.json()));
            FullHttpResponse response = ProxyResponses.complete(HttpResponseStatus.OK, answer,
                    HttpHeaderValues.APPLICATION_JSON, info.requestId(), info.keepAlive());
            response.headers().set(HEADER, "true");
            HookHandoff.localRecord(exchanges, info.requestId(), request.headers(), info.path(), 200,
                    info.bytesIn(), answer.length, info.startNanos());
            return response;
        } catch (UnreadableBodyException e) {
            return ProxyResponses.error(info.dialect(), ErrorKind.BAD_REQUEST, "request body could not be read to "
                    + "estimate its tokens: " + e.getMessage(), info.requestId(), info.keepAlive());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the estimate could not be written", e);
        } finally {
            request.release();
        }
    }
}
