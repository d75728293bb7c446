package dev.interpose.proxy.request;

import dev.interpose.proxy.body.RequestBody;
import dev.interpose.proxy.cache.CacheKey;
import dev.interpose.proxy.cache.KeyBuilder;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.exchange.RequestInfo;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The cache-key part of {@link dev.interpose.proxy.exchange.Stage#PREPARING}: reads the client's
 * {@code x-interpose-cache} header (which never goes upstream), and when the cache is on for the request builds
 * its key and takes its {@link ResponseCache.Ticket}: on the event loop for a small body, off it for a large or
 * compressed one (about 1.4 µs a kilobyte). Its cancel drops whatever comes back.
 *
 * <p>Buffers: the stage owns the request from {@link #begin} until it hands it on or releases it.
 */
final class CacheKeyStage implements OffLoopStage {
    /** Bodies larger than this have their cache key built off the event loop. */
    static final int KEY_ON_LOOP_BYTES = dev.interpose.proxy.body.Limits.KEY_ON_LOOP_BYTES;

    private final RequestFlow flow;
    private final ClientSide client;
    private boolean cancelled;

    private CacheKeyStage(RequestFlow flow, ClientSide client) {
        this.flow = flow;
        this.client = client;
    }

    /**
     * Hands {@code then} the request's ticket (null when the cache is off for it), at once or once its key is
     * built off the loop; returns the stage in the latter case, else null. A bad header is answered here.
     *
     * @param body the request's body when a stage already took it, else null
     */
    static CacheKeyStage begin(RequestFlow flow, RequestSettings now, ClientSide client, FullHttpRequest request,
            RequestInfo info, RequestBody body, Consumer<ResponseCache.Ticket> then) {
        String asked = request.headers().get(ResponseCache.HEADER);
        request.headers().remove(ResponseCache.HEADER); // the proxy's, never the upstream's
        if (asked == null && !now.config().cache().enabledFor(info.route().name(), info.route().upstream().name())) {
            then.accept(null);
            return null;
        }
        String mode = asked == null ? "on" : asked.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("on") && !mode.equals("off") && !mode.equals("refresh")) {
            client.answerError(request, info.dialect(), ErrorKind.BAD_REQUEST, ResponseCache.HEADER + " was \""
                    + asked + "\"; expected on, off or refresh", new Arrival(info.requestId(), info.startNanos(),
                    info.keepAlive(), info.uri(), info.path(), info.dialect()));
            client.ended();
            return null;
        }
        if (mode.equals("off") || !"POST".equals(info.method())) {
            then.accept(null);
            return null;
        }
        ResponseCache cache = now.exchanges().cache();
        boolean refresh = mode.equals("refresh");
        int size = body != null ? body.bytes().length : request.content().readableBytes();
        if (size <= KEY_ON_LOOP_BYTES) {
            then.accept(cache.admit(key(cache.keys(), request, body, info), refresh));
            return null;
        }
        CacheKeyStage stage = new CacheKeyStage(flow, client);
        CompletableFuture.supplyAsync(() -> key(cache.keys(), request, body, info), now.offLoop())
                .whenComplete((key, error) -> client.channel().eventLoop().execute(() ->
                        stage.back(request, info, () -> then.accept(cache.admit(error == null ? key : null, refresh)))));
        return stage;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    private void back(FullHttpRequest request, RequestInfo info, Runnable admit) {
        flow.resumed(this);
        if (cancelled || !client.channel().isActive()) {
            request.release();
            return;
        }
        try {
            admit.run();
        } catch (RuntimeException e) {
            flow.failInternally(request, info, "starting", e);
        }
    }

    /**
     * The request's cache key; null when its body is not JSON, or compressed in a coding the proxy cannot read
     * (one it reads was decoded once, when the request was prepared: {@code body} then holds it).
     */
    private static CacheKey key(KeyBuilder keys, FullHttpRequest request, RequestBody body, RequestInfo info) {
        if (body == null) {
            String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
            if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
                return null;
            }
            body = RequestBody.copyOf(request.content());
        }
        var upstream = info.route().upstream();
        // the upstream's dialect too: a reload that changes it changes what its answers mean
        return keys.key(info.route().dialect(), upstream.name() + " " + upstream.url() + " "
                + upstream.dialect().configName(), info.method(), info.uri(), info.model(), request.headers(), body);
    }
}
