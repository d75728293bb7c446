package dev.interpose.proxy.exchange;

import dev.interpose.proxy.outcome.Outcome;
import dev.interpose.proxy.outcome.ExchangeRecord;
import dev.interpose.config.Secrets;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.cache.CachedResponse;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.dialect.translate.TranslatedCall;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.upstream.UpstreamListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One request forwarded upstream and its response relayed back, conducted stage by stage ({@link Stage}):
 * {@code CACHE_WAIT → QUEUED → CONNECTING → AWAITING_HEAD → STREAMING [→ HOLDING] → DONE}, with
 * {@code RETRY_WAIT} between attempts, and {@code FAILED} or {@code CANCELLED} from any live stage. Each
 * stage's work lives in its own class: {@link CacheWait}, {@link UpstreamStages} (the way to a head: the
 * bulkhead and breaker in {@link UpstreamGuard}, retry and fallback in {@link AttemptPolicy}, one connection
 * in {@link UpstreamAttempt}), {@link ResponseRelay} (the body to the client); every timer is in {@link ExchangeTimers}; the end is one {@link Result}.
 * Confined to the client channel's event loop.
 *
 * <p>Buffers: the exchange owns the aggregated request until the response head arrives (a stale pooled
 * connection, a retry or a fallback may need it again) or the exchange ends. Errors before the head are JSON
 * in the client's dialect; after it, the client connection is closed without a clean end, so the client sees
 * the truncation.
 */
public final class Exchange implements UpstreamListener {
    private final ExchangeContext context;
    private final Channel client;
    private final RequestInfo info;
    private final ResponseHooks.Tap tap;
    private final Runnable onEnd;
    private final ExchangeTimers timers;
    private final UpstreamStages upstream;
    private final CacheWait cache;
    private final ResponseRelay relay;
    /** The upstream's answer to the relay, translated when the request was. */
    private final AnswerRoute answer;
    private FullHttpRequest request;
    private Stage stage = Stage.RECEIVED;
    /** The status of the proxy's own error answer, when it gave one. */
    private int answeredStatus;
    private Result result;

    /**
     * @param request the aggregated request; ownership passes to the exchange
     * @param tap     the response hooks' view of this exchange, or null when there are none
     * @param cache   this request's ticket from the response cache, or null when the cache is off for it
     * @param onEnd   run on the event loop once the exchange has ended and the client connection is usable
     */
    public Exchange(ExchangeContext context, Channel client, FullHttpRequest request, RequestInfo info,
            ResponseHooks.Tap tap, ResponseCache.Ticket cache, Runnable onEnd) {
        this(context, client, request, info, tap, cache, null, onEnd);
    }

    /** As above, for a request translated for its upstream's API by {@code call} (null: not translated). */
    public Exchange(ExchangeContext context, Channel client, FullHttpRequest request, RequestInfo info,
            ResponseHooks.Tap tap, ResponseCache.Ticket cache, TranslatedCall call, Runnable onEnd) {
        this.context = context;
        this.client = client;
        this.request = request;
        this.info = info;
        this.tap = tap;
        this.onEnd = onEnd;
        this.timers = new ExchangeTimers(client.eventLoop(), this::onTimeout);
        this.upstream = new UpstreamStages(this, client, info, timers,
                context.upstreams().get(info.route().upstream().name()));
        this.cache = cache == null ? null : new CacheWait(this, timers, cache);
        this.relay = new ResponseRelay(this, client, info, tap, this.cache, timers);
        this.answer = new AnswerRoute(this, relay, upstream, timers, call);
    }

    public Stage stage() {
        return stage;
    }

    void stage(Stage next) {
        stage = next;
    }

    /** How the exchange ended; null while it has not. */
    public Result result() {
        return result;
    }

    /** Whether the exchange has started and not ended yet. */
    public boolean isLive() {
        return stage != Stage.RECEIVED && !stage.ended();
    }

    /** Starts: the cache first, when it is on for this request, else the upstream. */
    public void start() {
        context.metrics().exchangeStarted();
        if (cache != null) {
            stage = Stage.CACHE_WAIT;
            cache.start(client.eventLoop(), config().headTimeout());
        } else {
            upstream.queue();
        }
    }

    /** From {@link CacheWait}: the stored answer goes to the client as an upstream's would, no upstream asked. */
    void replay(CachedResponse answer) {
        releaseRequest();
        stage = Stage.STREAMING;
        timers.arm(config().idleTimeout(), config().idleTimeout());
        relay.begin(answer.head(), null, answer, false);
        if (stage == Stage.STREAMING) {
            relay.content(new DefaultLastHttpContent(Unpooled.wrappedBuffer(answer.body())));
        }
    }

    /** From {@link CacheWait}: no stored answer to replay, so to the upstream. */
    void goUpstream() {
        upstream.queue();
    }

    /** {@link Stage#AWAITING_HEAD} → {@link Stage#STREAMING}, unless the status calls for another attempt. */
    @Override
    public void onUpstreamHead(HttpResponse head) {
        if (stage != Stage.AWAITING_HEAD || !upstream.answers(head)) {
            return;
        }
        releaseRequest();
        stage = Stage.STREAMING;
        timers.arm(config().idleTimeout(), config().idleTimeout());
        answer.upstreamHead(head);
    }

    @Override
    public void onUpstreamContent(HttpContent content) {
        if (stage != Stage.STREAMING) {
            content.release();
            return;
        }
        answer.upstreamContent(content);
    }

    @Override
    public void onUpstreamReadComplete() {
        if (stage == Stage.STREAMING) {
            relay.readComplete();
        }
    }

    /** The client channel's writability changed: resume reading the upstream once it drained. */
    public void onClientWritable() {
        if (stage == Stage.STREAMING) {
            relay.writable();
        }
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (stage == Stage.AWAITING_HEAD || stage == Stage.STREAMING) {
            upstream.closed(cause);
        }
    }

    /** From {@link ResponseRelay}: the upstream's body ended; its connection goes back or is closed. */
    void upstreamEnded(boolean upstreamKeepAlive) {
        timers.cancelWatchdog();
        upstream.ended(upstreamKeepAlive);
    }

    /** From {@link ResponseRelay}: a gate holds the body's rest; its hooks answer within the idle timeout. */
    void hold() {
        stage = Stage.HOLDING;
        timers.arm(config().idleTimeout(), config().idleTimeout());
    }

    /** From {@link ResponseRelay}: the gate let the held rest go. */
    void released() {
        timers.cancelWatchdog();
    }

    /** From {@link ResponseRelay}: the client has the whole answer (its end is being written). */
    void done() {
        stage = Stage.DONE;
    }

    private void onTimeout() {
        if (stage == Stage.AWAITING_HEAD) {
            fail(ErrorKind.UPSTREAM_TIMEOUT, "upstream " + upstreamName() + " sent no response head within "
                    + config().headTimeout().toMillis() + " ms");
        } else if (stage == Stage.STREAMING) {
            abort(ErrorKind.UPSTREAM_IDLE_TIMEOUT, "upstream " + upstreamName() + " sent nothing for "
                    + config().idleTimeout().toMillis() + " ms mid-response");
        } else if (stage == Stage.HOLDING) {
            abort(ErrorKind.HOOK_TIMEOUT, "the PreToolUse hooks did not decide within "
                    + config().idleTimeout().toMillis() + " ms");
        }
    }

    /** The client went away: stop the upstream (that stops generation and billing). */
    public void cancel() {
        timers.cancelAll();
        if (isLive()) {
            stage = Stage.CANCELLED;
            relay.cancelGate();
            upstream.drop();
            end(Result.cancelled());
        }
    }

    /** Before the head: answer with an error in the client's dialect. */
    void fail(ErrorKind kind, String message) {
        fail(kind, message, ProxyResponses.error(info.dialect(), kind, message, info.requestId(), relay.keepAlive()));
    }

    /** Before the head: answer with {@code answer}, its status the one logged. */
    void fail(ErrorKind kind, String message, FullHttpResponse answer) {
        upstream.failed(kind);
        stage = Stage.FAILED;
        timers.cancelAll();
        upstream.drop();
        answeredStatus = answer.status().code();
        client.writeAndFlush(answer).addListener(relay.keepAlive() ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
        end(Result.failed(kind, message));
    }

    /** After the head: the status cannot change, so close the client without a clean end. */
    void abort(ErrorKind kind, String message) {
        stage = Stage.FAILED;
        timers.cancelAll();
        relay.cancelGate();
        upstream.drop();
        client.flush();
        client.close();
        end(Result.failed(kind, message));
    }

    /** The one end of every exchange: everything held is given back, and the result is logged and counted. */
    void end(Result result) {
        this.result = result;
        releaseRequest();
        if (cache != null) {
            cache.settle(); // whoever waited on this request now replays its answer or goes upstream
        }
        upstream.release();
        if (result.isOk() && tap != null) {
            tap.completed();
        } else if (tap != null && result.outcome() == Outcome.FAILED) {
            tap.failed(result.kind().status(), result.kind().code() + ": " + result.message()); // StopFailure
        }
        if (relay.streaming()) {
            context.metrics().streamFinished();
        }
        ExchangeRecord record = record(result);
        context.metrics().exchangeFinished(record, true);
        context.accessLog().write(record);
        if (result.outcome() != Outcome.CANCELLED && relay.keepAlive() && client.isActive()) {
            onEnd.run();
        }
    }

    private ExchangeRecord record(Result result) {
        var usage = relay.usage();
        return new ExchangeRecord(info.requestId(), info.client().label(), info.route().name(), upstreamName(),
                info.method(), info.path(), info.model() != null ? info.model() : usage.model(), info.clientModel(),
                relay.streaming(), answeredStatus != 0 ? answeredStatus : relay.status(), result.outcome(),
                result.kind(), result.message(), upstream.headMillis(),
                (System.nanoTime() - info.startNanos()) / 1e6, info.bytesIn(), relay.bytesOut(), usage,
                relay.upstreamRequestId(), cache == null ? null : cache.result(),
                info.needsTranslation() ? info.upstreamDialectName() : null, info.sessionTitle());
    }

    private void releaseRequest() {
        if (request != null) {
            request.release();
            request = null;
        }
    }

    ExchangeContext context() {
        return context;
    }

    /** The whole request while it may still be sent again; null from the head on. */
    FullHttpRequest request() {
        return request;
    }

    boolean keepAlive() {
        return relay.keepAlive();
    }

    private UpstreamConfig config() {
        return upstream.config();
    }

    String upstreamName() {
        return upstream.name();
    }

    /** A cause as the client and the log read it: never a URL's credentials. */
    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : Secrets.mask(message);
    }
}
