package dev.interpose.proxy.exchange;

import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.credential.CredentialPolicy;
import dev.interpose.proxy.credential.UpstreamHeaders;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.upstream.UpstreamClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exchange's way to a response head: {@link Stage#QUEUED} (a slot of the upstream's bulkhead),
 * {@link Stage#CONNECTING} (the breaker's permission, then a connection), {@link Stage#AWAITING_HEAD}, and,
 * when an attempt fails before the head, {@link Stage#RETRY_WAIT} before the same upstream again or the next
 * fallback upstream ({@link AttemptPolicy}). Holds the {@link UpstreamGuard} and the current
 * {@link UpstreamAttempt}; the exchange's stage is set here while these stages last. Confined to the
 * exchange's event loop.
 */
final class UpstreamStages {
    private static final Logger LOG = LoggerFactory.getLogger("interpose.retry");

    private final Exchange exchange;
    private final Channel client;
    private final RequestInfo info;
    private final ExchangeTimers timers;
    private final UpstreamGuard guard = new UpstreamGuard();
    private final AttemptPolicy policy;
    /** The upstream being tried: the route's, or one of its fallbacks. */
    private UpstreamClient upstream;
    private UpstreamAttempt attempt;

    UpstreamStages(Exchange exchange, Channel client, RequestInfo info, ExchangeTimers timers, UpstreamClient first) {
        this.exchange = exchange;
        this.client = client;
        this.info = info;
        this.timers = timers;
        this.upstream = first;
        this.policy = new AttemptPolicy(info.route().upstream().fallback());
    }

    /** {@link Stage#QUEUED}: a slot of the current upstream's bulkhead, at once or within its wait. */
    void queue() {
        exchange.stage(Stage.QUEUED);
        if (guard.enter(upstream.bulkhead(), client.eventLoop(), this::admitted)) {
            connect();
            return;
        }
        long wait = config().bulkhead().maxWait().toMillis();
        timers.waitFor(wait, () -> {
            if (guard.leaveQueue()) {
                exchange.fail(ErrorKind.UPSTREAM_BUSY, "upstream " + name() + " already has "
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
        if (exchange.stage().ended()) {
            return;
        }
        CircuitBreaker breaker = upstream.breaker();
        if (!guard.permit(breaker)) {
            rejectOpen(breaker);
            return;
        }
        exchange.stage(Stage.CONNECTING);
        attempt = new UpstreamAttempt(upstream);
        upstream.acquire(client.eventLoop()).addListener(this::onAcquired);
    }

    private void onAcquired(Future<? super Channel> future) {
        if (!future.isSuccess()) {
            if (exchange.stage() == Stage.CONNECTING) {
                Throwable cause = future.cause();
                ErrorKind kind = cause instanceof ConnectTimeoutException ? ErrorKind.UPSTREAM_TIMEOUT
                        : ErrorKind.UPSTREAM_UNREACHABLE;
                guard.settle(true, kind.code());
                if (!tryAgain(kind, "cannot connect: " + Exchange.describe(cause), "cannot connect", 0)) {
                    exchange.fail(kind, "cannot connect to upstream " + name() + ": " + Exchange.describe(cause));
                }
            }
            return;
        }
        Channel channel = (Channel) future.getNow();
        if (exchange.stage() != Stage.CONNECTING) {
            upstream.discard(channel); // cancelled while connecting
            return;
        }
        exchange.stage(Stage.AWAITING_HEAD);
        timers.arm(config().headTimeout(), config().idleTimeout());
        attempt.send(channel, exchange, upstreamRequest(exchange.request()));
    }

    private DefaultFullHttpRequest upstreamRequest(FullHttpRequest request) {
        UpstreamConfig config = config();
        int length = request.content().readableBytes();
        HttpHeaders headers = HeaderRewrite.toUpstream(request.headers(), config.hostHeader(), length);
        UpstreamHeaders.apply(headers, CredentialPolicy.decide(info.route().dialect(), config, request.headers()),
                info.route().dialect(), config);
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), config.basePath() + info.uri(),
                request.content().retainedDuplicate(), headers, EmptyHttpHeaders.INSTANCE);
    }

    /** Whether a fallback may be sent this request: its credential is not refused there. */
    private boolean mayCarry(UpstreamConfig fallback) {
        HttpHeaders headers = exchange.request().headers();
        return CredentialPolicy.decide(info.route().dialect(), fallback, headers) != CredentialPolicy.Decision.REFUSE;
    }

    /**
     * A head while {@link Stage#AWAITING_HEAD}: true when it is the answer to relay (the breaker has its
     * verdict), false when it was interim, malformed (answered) or calls for another attempt.
     */
    boolean answers(HttpResponse head) {
        if (head.decoderResult().isFailure()) {
            exchange.fail(ErrorKind.UPSTREAM_BAD_RESPONSE, "upstream " + name() + " sent a malformed response: "
                    + Exchange.describe(head.decoderResult().cause()));
            return false;
        }
        int code = head.status().code();
        if (code >= 100 && code < 200) {
            return false; // an interim answer; the real head follows
        }
        ErrorKind kind = AttemptPolicy.kindOf(code);
        if (kind != null) {
            guard.settle(code >= 500, "status " + code);
            if (tryAgain(kind, "answered " + code, "answered " + code + " after " + policy.attempts() + " attempts",
                    AttemptPolicy.retryAfterMillis(head.headers().get(HttpHeaderNames.RETRY_AFTER)))) {
                return false; // nothing went to the client; the rest of this answer is dropped with its connection
            }
        }
        attempt.headArrived();
        guard.settle(code >= 500, "status " + code); // 5xx and 529 count against the upstream; 4xx is the client's
        return true;
    }

    /** The upstream connection closed while {@link Stage#AWAITING_HEAD} or {@link Stage#STREAMING}. */
    void closed(Throwable cause) {
        Throwable why = attempt.closed(cause);
        if (exchange.stage() == Stage.STREAMING) {
            exchange.abort(ErrorKind.UPSTREAM_TRUNCATED, "upstream " + name() + " closed the connection mid-response"
                    + (why == null ? "" : ": " + Exchange.describe(why)));
            return;
        }
        if (attempt.mayResend()) {
            // A pooled connection the upstream had already closed: nothing was answered, send once more.
            exchange.stage(Stage.CONNECTING);
            timers.cancelWatchdog();
            upstream.acquire(client.eventLoop()).addListener(this::onAcquired);
            return;
        }
        SSLException tls = tlsFailure(why);
        if (tls != null) {
            exchange.fail(ErrorKind.UPSTREAM_UNREACHABLE, "TLS with upstream " + name() + " failed: "
                    + Exchange.describe(tls));
            return;
        }
        ErrorKind kind = why instanceof DecoderException ? ErrorKind.UPSTREAM_BAD_RESPONSE : ErrorKind.UPSTREAM_RESET;
        guard.settle(true, kind.code());
        if (kind == ErrorKind.UPSTREAM_RESET && tryAgain(kind, "reset before answering", "reset before answering", 0)) {
            return;
        }
        exchange.fail(kind, "upstream " + name() + " closed the connection before answering"
                + (why == null ? "" : ": " + Exchange.describe(why)));
    }

    /**
     * The attempt failed before the upstream answered: the same upstream again after a back-off
     * ({@link Stage#RETRY_WAIT}), else the next fallback; only while the whole request is still held.
     *
     * @return false when neither is left: the caller answers the failure
     */
    private boolean tryAgain(ErrorKind kind, String why, String fallbackWhy, long retryAfterMillis) {
        if (exchange.request() == null) {
            return false;
        }
        long wait = policy.nextRetry(kind, config().retry(), retryAfterMillis);
        if (wait < 0) {
            return fallBack(fallbackWhy);
        }
        timers.cancelWatchdog();
        drop();
        exchange.stage(Stage.RETRY_WAIT);
        LOG.info("request {} to upstream {}: {}; attempt {} of {} in {} ms", info.requestId(), name(), why,
                policy.attempts(), config().retry().maxAttempts(), wait);
        timers.waitFor(wait, this::connect);
        return true;
    }

    /** The next fallback upstream, while the body is still held and nothing went to the client; false when none. */
    private boolean fallBack(String why) {
        UpstreamClient alternate = exchange.request() == null ? null
                : policy.nextFallback(exchange.context().upstreams(), this::mayCarry);
        if (alternate == null) {
            return false;
        }
        LOG.info("request {} to upstream {}: {}; falling back to upstream {}", info.requestId(), name(), why,
                alternate.config().name());
        timers.cancelWatchdog();
        drop();
        guard.releaseSlot(); // the alternate's own bulkhead applies
        upstream = alternate;
        queue();
        return true;
    }

    /** The breaker is open: answer at once, in the form the client's CLI retries after {@code retry-after}. */
    private void rejectOpen(CircuitBreaker breaker) {
        if (fallBack("its circuit breaker is open")) {
            return;
        }
        String message = "upstream " + name() + " is failing; its circuit breaker is " + breaker.getState()
                .name().toLowerCase(Locale.ROOT).replace('_', '-') + ", so this request was not sent";
        exchange.fail(ErrorKind.CIRCUIT_OPEN, message, ProxyResponses.circuitOpen(info.dialect(), message,
                info.requestId(), exchange.keepAlive(), config().breaker().openFor().toSeconds()));
    }

    /** The upstream's body ended: its connection goes back to the pool, or is closed. */
    void ended(boolean upstreamKeepAlive) {
        if (attempt != null) {
            attempt.finish(upstreamKeepAlive);
        }
    }

    /** Closes the connection (never pooled): that stops the upstream generating and billing. */
    void drop() {
        if (attempt != null) {
            attempt.drop();
        }
    }

    /** The exchange failed before the head: the breaker hears of it (unless it already had its verdict). */
    void failed(ErrorKind kind) {
        guard.settle(true, kind.code());
    }

    /** The exchange ended: the bulkhead slot and any breaker permission given back, once. */
    void release() {
        guard.release();
    }

    /** The connection being read, or null. */
    Channel channel() {
        return attempt == null ? null : attempt.channel();
    }

    /** From the request sent to the head, in milliseconds; -1 when no head came. */
    double headMillis() {
        return attempt == null ? -1 : attempt.headMillis();
    }

    /** Whether the route's own upstream is the one tried (not a fallback). */
    boolean routeOwn() {
        return name().equals(info.route().upstream().name());
    }

    UpstreamConfig config() {
        return upstream.config();
    }

    String name() {
        return upstream.config().name();
    }

    private static SSLException tlsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }
}
