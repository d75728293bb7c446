package dev.interpose.proxy.exchange;

import dev.interpose.config.Secrets;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.cache.CachedResponse;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.upstream.UpstreamClient;
import dev.interpose.proxy.upstream.UpstreamListener;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request forwarded upstream and its response relayed back, conducted stage by stage ({@link Stage}):
 * {@code CACHE_WAIT → QUEUED → CONNECTING → AWAITING_HEAD → STREAMING [→ HOLDING] → DONE}, with
 * {@code RETRY_WAIT} between attempts, and {@code FAILED} or {@code CANCELLED} from any live stage. Each
 * stage's work lives in its own class: {@link CacheWait}, {@link UpstreamGuard} (bulkhead and breaker),
 * {@link AttemptPolicy} (retry, fallback), {@link UpstreamAttempt} (one connection), {@link ResponseRelay}
 * (the body to the client); every timer is in {@link ExchangeTimers}; the end is one {@link Result}.
 * Confined to the client channel's event loop.
 *
 * <p>Buffers: the exchange owns the aggregated request until the response head arrives (a stale pooled
 * connection, a retry or a fallback may need it again) or the exchange ends. Errors before the head are JSON
 * in the client's dialect; after it, the client connection is closed without a clean end, so the client sees
 * the truncation.
 */
public final class Exchange implements UpstreamListener {
    private static final Logger LOG = LoggerFactory.getLogger("interpose.retry");

    private final ExchangeContext context;
    private final Channel client;
    private final RequestInfo info;
    private final ResponseHooks.Tap tap;
    private final Runnable onEnd;
    private final ExchangeTimers timers;
    private final UpstreamGuard guard = new UpstreamGuard();
    private final AttemptPolicy policy;
    private final CacheWait cache;
    private final ResponseRelay relay;
    /** The upstream being tried: the route's, or one of its fallbacks. */
    private UpstreamClient upstreamClient;
    private UpstreamAttempt attempt;
    private FullHttpRequest request;
    private Stage stage = Stage.RECEIVED;
    /** The status of the proxy's own error answer, when it gave one. */
    private int answeredStatus;

    /**
     * @param request the aggregated request; ownership passes to the exchange
     * @param tap     the response hooks' view of this exchange, or null when there are none
     * @param onEnd   run on the event loop once the exchange has ended and the client connection is usable
     */
    public Exchange(ExchangeContext context, Channel client, FullHttpRequest request, RequestInfo info,
            ResponseHooks.Tap tap, Runnable onEnd) {
        this(context, client, request, info, tap, null, onEnd);
    }

    /** @param cache this request's ticket from the response cache, or null when the cache is off for it */
    public Exchange(ExchangeContext context, Channel client, FullHttpRequest request, RequestInfo info,
            ResponseHooks.Tap tap, ResponseCache.Ticket cache, Runnable onEnd) {
        this.context = context;
        this.client = client;
        this.request = request;
        this.info = info;
        this.tap = tap;
        this.onEnd = onEnd;
        this.upstreamClient = context.upstreams().get(info.route().upstream().name());
        this.timers = new ExchangeTimers(client.eventLoop(), this::onTimeout);
        this.policy = new AttemptPolicy(info.route().upstream().fallback());
        this.cache = cache == null ? null : new CacheWait(this, timers, cache);
        this.relay = new ResponseRelay(this, client, info, tap, this.cache, timers);
    }

    public Stage stage() {
        return stage;
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
            goUpstream();
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

    /** {@link Stage#QUEUED}: a slot of the current upstream's bulkhead, at once or within its wait. */
    void goUpstream() {
        stage = Stage.QUEUED;
        if (guard.enter(upstreamClient.bulkhead(), client.eventLoop(), this::admitted)) {
            connect();
            return;
        }
        long wait = config().bulkhead().maxWait().toMillis();
        timers.waitFor(wait, () -> {
            if (guard.leaveQueue()) {
                fail(ErrorKind.UPSTREAM_BUSY, "upstream " + upstreamName() + " already has "
                        + config().bulkhead().maxConcurrent() + " requests in flight and no slot freed within "
                        + wait + " ms");
            }
        });
    }

    private void admitted() {
        timers.cancelWait();
        connect();
    }

    /** {@link Stage#CONNECTING}: a permission from the breaker, then a connection. */
    private void connect() {
        if (stage.ended()) {
            return;
        }
        CircuitBreaker breaker = upstreamClient.breaker();
        if (!guard.permit(breaker)) {
            rejectOpen(breaker);
            return;
        }
        stage = Stage.CONNECTING;
        attempt = new UpstreamAttempt(upstreamClient);
        upstreamClient.acquire(client.eventLoop()).addListener(this::onAcquired);
    }

    private void onAcquired(Future<? super Channel> future) {
        if (!future.isSuccess()) {
            if (stage == Stage.CONNECTING) {
                Throwable cause = future.cause();
                ErrorKind kind = cause instanceof ConnectTimeoutException ? ErrorKind.UPSTREAM_TIMEOUT
                        : ErrorKind.UPSTREAM_UNREACHABLE;
                guard.settle(true, kind.code());
                if (!tryAgain(kind, "cannot connect: " + describe(cause), "cannot connect", 0)) {
                    fail(kind, "cannot connect to upstream " + upstreamName() + ": " + describe(cause));
                }
            }
            return;
        }
        Channel channel = (Channel) future.getNow();
        if (stage != Stage.CONNECTING) {
            upstreamClient.discard(channel); // cancelled while connecting
            return;
        }
        stage = Stage.AWAITING_HEAD;
        timers.arm(config().headTimeout(), config().idleTimeout());
        attempt.send(channel, this, upstreamRequest());
    }

    private DefaultFullHttpRequest upstreamRequest() {
        UpstreamConfig upstream = config();
        int length = request.content().readableBytes();
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), upstream.basePath() + info.uri(),
                request.content().retainedDuplicate(),
                HeaderRewrite.toUpstream(request.headers(), upstream.hostHeader(), length), EmptyHttpHeaders.INSTANCE);
    }

    /** {@link Stage#AWAITING_HEAD} → {@link Stage#STREAMING}, unless the status calls for another attempt. */
    @Override
    public void onUpstreamHead(HttpResponse head) {
        if (stage != Stage.AWAITING_HEAD) {
            return;
        }
        if (head.decoderResult().isFailure()) {
            fail(ErrorKind.UPSTREAM_BAD_RESPONSE, "upstream " + upstreamName() + " sent a malformed response: "
                    + describe(head.decoderResult().cause()));
            return;
        }
        int code = head.status().code();
        if (code >= 100 && code < 200) {
            return; // an interim answer; the real head follows
        }
        ErrorKind kind = AttemptPolicy.kindOf(code);
        if (kind != null) {
            guard.settle(code >= 500, "status " + code);
            if (tryAgain(kind, "answered " + code, "answered " + code + " after " + policy.attempts() + " attempts",
                    AttemptPolicy.retryAfterMillis(head.headers().get(HttpHeaderNames.RETRY_AFTER)))) {
                return; // nothing went to the client; the rest of this answer is dropped with its connection
            }
        }
        attempt.headArrived();
        guard.settle(code >= 500, "status " + code); // 5xx and 529 count against the upstream; 4xx is the client's
        releaseRequest();
        stage = Stage.STREAMING;
        timers.arm(config().idleTimeout(), config().idleTimeout());
        relay.begin(head, attempt.channel(), null, upstreamName().equals(info.route().upstream().name()));
    }

    @Override
    public void onUpstreamContent(HttpContent content) {
        if (stage != Stage.STREAMING) {
            content.release();
            return;
        }
        relay.content(content);
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
        if (stage == Stage.AWAITING_HEAD) {
            Throwable why = attempt.closed(cause);
            if (attempt.mayResend()) {
                // A pooled connection the upstream had already closed: nothing was answered, send once more.
                stage = Stage.CONNECTING;
                timers.cancelWatchdog();
                upstreamClient.acquire(client.eventLoop()).addListener(this::onAcquired);
                return;
            }
            SSLException tls = tlsFailure(why);
            if (tls != null) {
                fail(ErrorKind.UPSTREAM_UNREACHABLE, "TLS with upstream " + upstreamName() + " failed: "
                        + describe(tls));
                return;
            }
            ErrorKind kind = why instanceof DecoderException ? ErrorKind.UPSTREAM_BAD_RESPONSE : ErrorKind.UPSTREAM_RESET;
            guard.settle(true, kind.code());
            if (kind == ErrorKind.UPSTREAM_RESET
                    && tryAgain(kind, "reset before answering", "reset before answering", 0)) {
                return;
            }
            fail(kind, "upstream " + upstreamName() + " closed the connection before answering"
                    + (why == null ? "" : ": " + describe(why)));
        } else if (stage == Stage.STREAMING) {
            Throwable why = attempt.closed(cause);
            abort(ErrorKind.UPSTREAM_TRUNCATED, "upstream " + upstreamName() + " closed the connection mid-response"
                    + (why == null ? "" : ": " + describe(why)));
        }
    }

    /**
     * The attempt failed before the upstream answered: the same upstream again after a back-off
     * ({@link Stage#RETRY_WAIT}), else the next fallback; only while the whole request is still held.
     *
     * @return false when neither is left: the caller answers the failure
     */
    private boolean tryAgain(ErrorKind kind, String why, String fallbackWhy, long retryAfterMillis) {
        if (request == null) {
            return false;
        }
        long wait = policy.nextRetry(kind, config().retry(), retryAfterMillis);
        if (wait < 0) {
            return fallBack(fallbackWhy);
        }
        timers.cancelWatchdog();
        dropUpstream();
        stage = Stage.RETRY_WAIT;
        LOG.info("request {} to upstream {}: {}; attempt {} of {} in {} ms", info.requestId(), upstreamName(), why,
                policy.attempts(), config().retry().maxAttempts(), wait);
        timers.waitFor(wait, this::connect);
        return true;
    }

    /** The next fallback upstream, while the body is still held and nothing went to the client; false when none. */
    private boolean fallBack(String why) {
        UpstreamClient alternate = request == null ? null : policy.nextFallback(context.upstreams());
        if (alternate == null) {
            return false;
        }
        LOG.info("request {} to upstream {}: {}; falling back to upstream {}", info.requestId(), upstreamName(), why,
                alternate.config().name());
        timers.cancelWatchdog();
        dropUpstream();
        guard.releaseSlot(); // the alternate's own bulkhead applies
        upstreamClient = alternate;
        goUpstream();
        return true;
    }

    /** The breaker is open: answer at once, in the form the client's CLI retries after {@code retry-after}. */
    private void rejectOpen(CircuitBreaker breaker) {
        if (fallBack("its circuit breaker is open")) {
            return;
        }
        String message = "upstream " + upstreamName() + " is failing; its circuit breaker is " + breaker.getState()
                .name().toLowerCase(Locale.ROOT).replace('_', '-') + ", so this request was not sent";
        fail(ErrorKind.CIRCUIT_OPEN, message, ProxyResponses.circuitOpen(info.dialect(), message,
                info.requestId(), relay.keepAlive(), config().breaker().openFor().toSeconds()));
    }

    /** From {@link ResponseRelay}: the upstream's body ended; its connection goes back or is closed. */
    void upstreamEnded(boolean upstreamKeepAlive) {
        timers.cancelWatchdog();
        if (attempt != null) {
            attempt.finish(upstreamKeepAlive);
        }
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
            dropUpstream();
            end(Result.cancelled());
        }
    }

    /** Before the head: answer with an error in the client's dialect. */
    void fail(ErrorKind kind, String message) {
        fail(kind, message, ProxyResponses.error(info.dialect(), kind, message, info.requestId(), relay.keepAlive()));
    }

    /** Before the head: answer with {@code answer}, its status the one logged. */
    private void fail(ErrorKind kind, String message, FullHttpResponse answer) {
        guard.settle(true, kind.code());
        stage = Stage.FAILED;
        timers.cancelAll();
        dropUpstream();
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
        dropUpstream();
        client.flush();
        client.close();
        end(Result.failed(kind, message));
    }

    private void dropUpstream() {
        if (attempt != null) {
            attempt.drop();
        }
    }

    /** The one end of every exchange: everything held is given back, and the result is logged and counted. */
    void end(Result result) {
        releaseRequest();
        if (cache != null) {
            cache.settle(); // whoever waited on this request now replays its answer or goes upstream
        }
        guard.release();
        if (result.isOk() && tap != null) {
            tap.completed();
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
                result.kind(), result.message(), attempt == null ? -1 : attempt.headMillis(),
                (System.nanoTime() - info.startNanos()) / 1e6, info.bytesIn(), relay.bytesOut(), usage,
                relay.upstreamRequestId(), cache == null ? null : cache.result());
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

    private UpstreamConfig config() {
        return upstreamClient.config();
    }

    String upstreamName() {
        return upstreamClient.config().name();
    }

    private static SSLException tlsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /** A cause as the client and the log read it: never a URL's credentials. */
    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : Secrets.mask(message);
    }
}
