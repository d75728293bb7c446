package dev.interpose.proxy.request;

import dev.interpose.proxy.body.Limits;
import dev.interpose.proxy.body.RequestBody;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.dialect.translate.TranslatedCall;
import dev.interpose.proxy.dialect.translate.Translation;
import dev.interpose.proxy.dialect.translate.TranslationOptions;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.exchange.RequestInfo;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.util.concurrent.CompletableFuture;

/**
 * The translation part of {@link dev.interpose.proxy.exchange.Stage#PREPARING}, for a request whose upstream
 * speaks another API ({@link RequestInfo#needsTranslation}): its body becomes the upstream's
 * ({@link Translation#request}) and goes to the upstream API's path, asked for uncompressed (the answer is read
 * to be translated back); the {@link TranslatedCall} goes with the exchange. On the event loop for a small
 * body, off it for a large one. A body that is not one JSON object is answered with a 400 in the client's
 * dialect. Its cancel drops whatever comes back.
 *
 * <p>Buffers: the stage owns the request from {@link #begin} until it hands it (or its replacement) on or
 * releases it.
 */
final class TranslateStage implements OffLoopStage {
    /** What comes after: the request as it goes upstream, its facts, and the call that translates the answer. */
    interface Next {
        void go(FullHttpRequest request, RequestInfo info, TranslatedCall call);
    }

    /** The upstream's body, or why the client's could not be translated. */
    private record Done(TranslatedCall call, byte[] body, String unreadable) {
    }

    private final RequestFlow flow;
    private final ClientSide client;
    private boolean cancelled;

    private TranslateStage(RequestFlow flow, ClientSide client) {
        this.flow = flow;
        this.client = client;
    }

    /**
     * Hands {@code next} the request, translated when it needs to be (else as it is, with a null call), at once
     * or once translated off the loop; returns the stage in the latter case, else null.
     *
     * @param body    the request's body when a stage already took it, else null
     * @param onError runs when the request was answered here instead (the cache ticket is settled)
     */
    static TranslateStage begin(RequestFlow flow, RequestSettings now, ClientSide client, FullHttpRequest request,
            RequestInfo info, RequestBody body, Runnable onError, Next next) {
        if (!info.needsTranslation()) {
            next.go(request, info, null);
            return null;
        }
        Translation translation = Translation.of(info.dialect(), info.upstreamDialect(),
                TranslationOptions.of(info.route().upstream().translation()));
        RequestBody plain = body != null ? body : RequestBody.copyOf(request.content()); // uncompressed by now
        TranslateStage stage = new TranslateStage(flow, client);
        if (plain.bytes().length <= Limits.TRANSLATE_ON_LOOP_BYTES) {
            stage.back(request, info, translate(translation, plain), onError, next);
            return null;
        }
        CompletableFuture.supplyAsync(() -> translate(translation, plain), now.offLoop())
                .whenComplete((done, error) -> client.channel().eventLoop().execute(() -> {
                    flow.resumed(stage);
                    if (error != null) {
                        onError.run();
                        flow.failInternally(request, info, "translating", new IllegalStateException(error));
                    } else {
                        stage.back(request, info, done, onError, next);
                    }
                }));
        return stage;
    }

    private static Done translate(Translation translation, RequestBody body) {
        try {
            TranslatedCall call = translation.request(body.bytes());
            return new Done(call, call.bodyBytes(), null);
        } catch (UnreadableBodyException e) {
            return new Done(null, null, e.getMessage());
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    private void back(FullHttpRequest request, RequestInfo info, Done done, Runnable onError, Next next) {
        if (cancelled || !client.channel().isActive()) {
            request.release();
            onError.run();
            return;
        }
        if (done.unreadable() != null) {
            onError.run();
            client.answerError(request, info.dialect(), ErrorKind.BAD_REQUEST, "request body could not be read "
                    + "for translation to " + info.upstreamDialectName() + ": " + done.unreadable(), new Arrival(
                    info.requestId(), info.startNanos(), info.keepAlive(), info.uri(), info.path(), info.dialect()));
            client.ended();
            return;
        }
        FullHttpRequest translated = request.replace(Unpooled.wrappedBuffer(done.body()));
        request.release();
        translated.setUri(info.upstreamDialect().path());
        translated.headers().remove(HttpHeaderNames.CONTENT_ENCODING)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, done.body().length)
                .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY); // read to be translated back
        next.go(translated, info.withUri(info.upstreamDialect().path()), done.call());
    }
}
