package dev.interpose.proxy.exchange;

import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.body.HeapBytes;
import dev.interpose.proxy.cache.CachedResponse;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.hook.ResponseGate;
import dev.interpose.proxy.stream.ResponseObserver;
import dev.interpose.proxy.stream.Usage;
import dev.interpose.proxy.upstream.UpstreamClient;
import dev.interpose.proxy.upstream.UpstreamListener;
import dev.interpose.proxy.upstream.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One request forwarded upstream and its response relayed back, as a state machine:
 * {@code CONNECTING → AWAITING_HEAD → STREAMING → DONE}, or {@code FAILED} / {@code CANCELLED} from any
 * live state; {@code HOLDING} between the upstream's end and the client's while a {@link ResponseGate} still
 * holds the body back for {@code PreToolUse} hooks. Confined to the client channel's event loop.
 *
 * <p>With response hooks ({@link ResponseHooks.Tap}), the body the client receives is shown to them; a
 * gate, when the tap returns one, takes the body and writes what the client gets.
 *
 * <p>Buffers: the exchange owns the aggregated request until the response head arrives (a stale pooled
 * connection may need it a second time) or the exchange ends; each response chunk is handed to the client
 * channel as it arrives. Errors before the head are JSON in the client's dialect; after it, the client
 * connection is closed without a clean end, so the client sees the truncation.
 */
public final class Exchange implements UpstreamListener {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("interpose.retry");

    /** Where the exchange is in its life. */
    public enum State { CONNECTING, AWAITING_HEAD, STREAMING, HOLDING, DONE, FAILED, CANCELLED }

    private final ExchangeContext context;
    private final Channel client;
    private final RequestInfo info;
    /** The upstream being tried: the route's, or one of its fallbacks. */
    private UpstreamClient upstreamClient;
    private int fallbackIndex;
    private final Runnable onEnd;
    private final ExchangeTimer timer;
    private FullHttpRequest request;
    private State state;
    private Channel upstream;
    private boolean reusedConnection;
    private boolean retried;
    /** Attempts made so far (retry policy), and the time waited between them. */
    private int attempts = 1;
    private long waitedMillis;
    private io.netty.util.concurrent.ScheduledFuture<?> retryTimer;
    /** The bulkhead slot this exchange holds (released once, at its end), or the wait for one. */
    private Bulkhead slot;
    private Bulkhead.Waiter waiter;
    private io.netty.util.concurrent.ScheduledFuture<?> waitTimer;
    /** When the current attempt began, for the breaker's slow-call count. */
    private long attemptNanos;
    private boolean requestWritten;
    private Throwable writeFailure;
    private long sentNanos;
    private long headNanos = -1;
    private int status;
    private boolean keepAlive;
    private boolean upstreamKeepAlive;
    private boolean paused;
    private String upstreamRequestId;
    private long bytesOut;
    private ResponseObserver observer;
    /** Holds a permission of the upstream's circuit breaker until the outcome is recorded. */
    private boolean permitted;
    private final ResponseHooks.Tap tap;
    private ResponseGate gate;
    /** The client's head, held while a gate that holds the whole body may still refuse it; else null. */
    private HttpResponse heldHead;
    /** This request's part in the response cache, or null when the cache is off for it. */
    private ResponseCache.Ticket cache;
    /** How the cache answered: {@code hit}, {@code collapsed} or {@code miss}; null without a cache. */
    private String cacheResult;
    /** The stored answer being replayed, or null when the answer comes from upstream. */
    private CachedResponse replaying;
    /** The upstream's head and body bytes as they came, collected to store; null when not storing. */
    private HttpResponse upstreamHead;
    private HeapBytes capture;
    /** Waiting for an identical request's answer, and the wait's limit. */
    private boolean following;
    private io.netty.util.concurrent.ScheduledFuture<?> followTimer;

    /**
     * @param request the aggregated request; ownership passes to the exchange
     * @param tap     the response hooks' view of this exchange, or null when there are none
     * @param onEnd   run on the event loop once the exchange has ended and the client connection is usable
     */
    public Exchange(ExchangeContext context, Channel client, FullHttpRequest request, RequestInfo info,
            ResponseHooks.Tap tap, Runnable onEnd) {
        this(context, client, request, info, tap, null, onEnd);
    }

    /**
     * @param cache this request's ticket from the response cache, or null when the cache is off for it
     */
    public Exchange(ExchangeContext context, Channel client, FullHttpRequest request, RequestInfo info,
            ResponseHooks.Tap tap, ResponseCache.Ticket cache, Runnable onEnd) {
        this.cache = cache;
        this.context = context;
        this.client = client;
        this.request = request;
        this.info = info;
        this.upstreamClient = context.upstreams().get(info.route().upstream().name());
        this.onEnd = onEnd;
        this.tap = tap;
        this.keepAlive = info.keepAlive();
        this.timer = new ExchangeTimer(client.eventLoop(), this::onTimeout);
    }

    public State state() {
        return state;
    }

    /** Starts forwarding. */
    public void start() {
        context.metrics().exchangeStarted();
        state = State.CONNECTING;
        if (cache != null) {
            if (cache.hit() != null) {
                replay(cache.hit(), "hit");
                return;
            }
            if (cache.follows()) {
                // An identical request is on its way upstream: wait for its answer, at most the head timeout.
                following = true;
                cache.await(client.eventLoop(), this::afterLeader);
                followTimer = client.eventLoop().schedule(() -> afterLeader(null), config().headTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
                return;
            }
        }
        enter();
    }

    /** The identical request this one waited for has ended: replay what it stored, or go upstream. */
    private void afterLeader(CachedResponse answer) {
        if (!following || state != State.CONNECTING) {
            return; // the client left meanwhile, or the wait already ended
        }
        following = false;
        if (followTimer != null) {
            followTimer.cancel(false);
            followTimer = null;
        }
        if (answer != null) {
            replay(answer, "collapsed");
        } else {
            cache = cache.alone();
            enter();
        }
    }

    /**
     * Answers from the cache: the stored head and body go through the same path as an upstream's, so
     * response hooks, the access log and the metrics see a replay as they see any answer.
     */
    private void replay(CachedResponse answer, String result) {
        replaying = answer;
        cacheResult = result;
        cache.count(result);
        state = State.AWAITING_HEAD;
        onUpstreamHead(answer.head());
        headNanos = -1; // no upstream was asked: nothing for the upstream's head-time histogram
        if (state == State.STREAMING) {
            onUpstreamContent(new DefaultLastHttpContent(Unpooled.wrappedBuffer(answer.body())));
        }
    }

    /** Takes a slot of the current upstream's bulkhead, or waits for one, then attempts. */
    private void enter() {
        if (cache != null && cacheResult == null) {
            cacheResult = cache.result();
            cache.count(cacheResult);
        }
        Bulkhead bulkhead = upstreamClient.bulkhead();
        waiter = bulkhead.enter(client.eventLoop(), this::admitted);
        if (waiter == null) {
            slot = bulkhead;
            attempt();
            return;
        }
        long wait = config().bulkhead().maxWait().toMillis();
        waitTimer = client.eventLoop().schedule(() -> {
            if (waiter != null && upstreamClient.bulkhead().leave(waiter)) {
                waiter = null;
                fail(ErrorKind.UPSTREAM_BUSY, "upstream " + upstreamName() + " already has "
                        + config().bulkhead().maxConcurrent() + " requests in flight and no slot freed within "
                        + wait + " ms");
            }
        }, wait, TimeUnit.MILLISECONDS);
    }

    /** A bulkhead slot became this exchange's (on its event loop). */
    private void admitted() {
        slot = upstreamClient.bulkhead();
        waiter = null;
        if (waitTimer != null) {
            waitTimer.cancel(false);
            waitTimer = null;
        }
        if (state == State.CONNECTING) {
            attempt();
        } else {
            releaseSlot(); // ended meanwhile
        }
    }

    private void releaseSlot() {
        if (slot != null) {
            Bulkhead held = slot;
            slot = null;
            held.release();
        }
    }

    /** One attempt: a permission from the breaker, then a connection. */
    private void attempt() {
        retryTimer = null;
        if (state != State.CONNECTING) {
            return; // cancelled while waiting to retry
        }
        CircuitBreaker breaker = upstreamClient.breaker();
        if (breaker != null) {
            if (!breaker.tryAcquirePermission()) {
                rejectOpen(breaker);
                return;
            }
            permitted = true;
        }
        retried = false;
        attemptNanos = System.nanoTime();
        upstreamClient.acquire(client.eventLoop()).addListener(this::onAcquired);
    }

    /**
     * The upstream failed the request before answering it: send it again after a wait, when the policy
     * allows (attempts left, total wait within bounds, the body still held, nothing sent to the client).
     *
     * @param retryAfterMillis what the upstream asked to wait, or 0
     * @return false when no retry is left: the caller answers the failure
     */
    private boolean retry(String why, long retryAfterMillis) {
        dev.interpose.config.RetryConfig policy = config().retry();
        if (attempts >= policy.maxAttempts() || request == null) {
            return false;
        }
        double jitter = 0.5 + java.util.concurrent.ThreadLocalRandom.current().nextDouble();
        long backoff = (long) (policy.backoff().toMillis() * Math.pow(2, attempts - 1) * jitter);
        long wait = Math.max(backoff, retryAfterMillis);
        if (waitedMillis + wait > policy.maxDelay().toMillis()) {
            return false;
        }
        waitedMillis += wait;
        attempts++;
        timer.cancel();
        dropUpstream();
        state = State.CONNECTING;
        LOG.info("request {} to upstream {}: {}; attempt {} of {} in {} ms", info.requestId(), upstreamName(), why,
                attempts, policy.maxAttempts(), wait);
        retryTimer = client.eventLoop().schedule(this::attempt, wait, TimeUnit.MILLISECONDS);
        return true;
    }

    /** A {@code retry-after} value (seconds or an HTTP date) in milliseconds from now; 0 when absent or unreadable. */
    public static long retryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.strip()) * 1000);
        } catch (NumberFormatException e) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(value.strip(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (java.time.format.DateTimeParseException notADate) {
                return 0;
            }
        }
    }

    /** The breaker is open: answer at once, in the form the client's CLI retries after {@code retry-after}. */
    private void rejectOpen(CircuitBreaker breaker) {
        if (fallBack("its circuit breaker is open")) {
            return;
        }
        String message = "upstream " + upstreamName() + " is failing; its circuit breaker is " + breaker.getState()
                .name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ", so this request was not sent";
        fail(ErrorKind.CIRCUIT_OPEN, message, ProxyResponses.circuitOpen(info.dialect(), message,
                info.requestId(), keepAlive, config().breaker().openFor().toSeconds()));
    }

    /** Records the call's outcome with the upstream's breaker, once. */
    private void settle(boolean failed, String why) {
        if (!permitted) {
            return;
        }
        permitted = false;
        CircuitBreaker breaker = upstreamClient.breaker();
        long took = System.nanoTime() - attemptNanos; // this attempt only, not the waits before it
        if (failed) {
            breaker.onError(took, TimeUnit.NANOSECONDS, new UpstreamFailure(why));
        } else {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        }
    }

    /** What the breaker counts as a failure: a message, no stack. */
    private static final class UpstreamFailure extends RuntimeException {
        UpstreamFailure(String message) {
            super(message, null, false, false);
        }
    }

    private void onAcquired(Future<? super Channel> future) {
        if (!future.isSuccess()) {
            if (state == State.CONNECTING) {
                Throwable cause = future.cause();
                ErrorKind kind = cause instanceof ConnectTimeoutException ? ErrorKind.UPSTREAM_TIMEOUT
                        : ErrorKind.UPSTREAM_UNREACHABLE;
                settle(true, kind.code());
                if (retry("cannot connect: " + describe(cause), 0) || fallBack("cannot connect")) {
                    return;
                }
                fail(kind, "cannot connect to upstream " + upstreamName() + ": " + describe(cause));
            }
            return;
        }
        Channel channel = (Channel) future.getNow();
        if (state != State.CONNECTING) {
            upstreamClient.discard(channel); // cancelled while connecting
            return;
        }
        upstream = channel;
        reusedConnection = UpstreamClient.attach(channel, this) > 0;
        requestWritten = false;
        writeFailure = null;
        state = State.AWAITING_HEAD;
        sentNanos = System.nanoTime();
        timer.arm(config().headTimeout(), config().idleTimeout());
        channel.writeAndFlush(upstreamRequest()).addListener((ChannelFutureListener) f -> {
            if (upstream != channel) {
                return; // an earlier attempt's channel, dropped by a retry or a fallback
            }
            if (f.isSuccess()) {
                requestWritten = true;
            } else {
                writeFailure = f.cause();
                f.channel().close();
            }
        });
    }

    private DefaultFullHttpRequest upstreamRequest() {
        UpstreamConfig upstreamConfig = config();
        int length = request.content().readableBytes();
        HttpHeaders headers = HeaderRewrite.toUpstream(request.headers(), upstreamConfig.hostHeader(), length);
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(),
                upstreamConfig.basePath() + info.uri(), request.content().retainedDuplicate(), headers,
                EmptyHttpHeaders.INSTANCE);
    }

    @Override
    public void onUpstreamHead(HttpResponse head) {
        if (state != State.AWAITING_HEAD) {
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
        if (code == 429 || code == 500 || code == 502 || code == 503 || code == 529) {
            settle(code >= 500, "status " + code);
            if (retry("answered " + code, retryAfterMillis(head.headers().get(HttpHeaderNames.RETRY_AFTER)))
                    || fallBack("answered " + code + " after " + attempts + " attempts")) {
                return; // nothing went to the client; the rest of this answer is dropped with its connection
            }
        }
        headNanos = System.nanoTime();
        status = code;
        settle(code >= 500, "status " + code); // 5xx and 529 count against the upstream; 4xx is the client's
        releaseRequest();
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        upstreamRequestId = head.headers().get("x-request-id");
        observer = ResponseObserver.forResponse(head.headers(), ApiDialect.forPath(info.path()));
        if (cache != null && replaying == null) {
            if (code == 200 && cache.stores() && upstreamClient.config().name().equals(info.route().upstream().name())
                    && (observer.streaming() || head.headers().get(HttpHeaderNames.CONTENT_TYPE, "")
                            .toLowerCase(java.util.Locale.ROOT).startsWith("application/json"))
                    && (HttpUtil.isContentLengthSet(head) || HttpUtil.isTransferEncodingChunked(head))) {
                // Not stored: another status, a fallback's answer, another type, or a body that ends by the
                // connection closing (which might be cut).
                upstreamHead = head;
                capture = new HeapBytes(0);
            } else {
                cache.settle(); // nothing will be stored: whoever waits goes upstream now
            }
        }
        if (observer.streaming()) {
            context.metrics().streamStarted();
        }
        state = State.STREAMING;
        timer.arm(config().idleTimeout(), config().idleTimeout());
        if (tap != null) {
            gate = tap.begin(code, head.headers(), observer, client.eventLoop(), new GateOutput());
        }
        if (gate != null && gate.holdsWhole()) {
            heldHead = clientHead(head); // a refusal can then still be a 502 in the client's dialect
        } else {
            client.write(clientHead(head));
        }
    }

    private HttpResponse clientHead(HttpResponse head) {
        HttpHeaders headers = HeaderRewrite.toClient(head.headers());
        if (gate != null) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH); // the gate may change the body's length
            if (gate.decodes()) {
                headers.remove(HttpHeaderNames.CONTENT_ENCODING);
            }
        }
        boolean bodyless = HttpMethod.HEAD.name().equals(info.method()) || status == 204 || status == 304;
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && !bodyless) {
            if (info.http11()) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                keepAlive = false; // an HTTP/1.0 client reads to the close
            }
        }
        if (upstreamRequestId != null) {
            headers.set("x-upstream-request-id", upstreamRequestId);
        }
        if (cache != null) {
            headers.set(ResponseCache.HEADER, replaying != null ? "hit" : "miss");
            if (replaying != null) {
                headers.set(HttpHeaderNames.AGE, replaying.ageSeconds(System.currentTimeMillis()));
            }
        }
        headers.set("x-request-id", info.requestId());
        HttpResponse out = new DefaultHttpResponse(info.http11() ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0,
                head.status(), headers);
        HttpUtil.setKeepAlive(out, keepAlive);
        return out;
    }

    @Override
    public void onUpstreamContent(HttpContent content) {
        if (state != State.STREAMING) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release(); // a broken chunk: the body is not what the upstream meant to send
            abort(ErrorKind.UPSTREAM_BAD_RESPONSE, "upstream " + upstreamName() + " sent a malformed body: "
                    + describe(content.decoderResult().cause()));
            return;
        }
        timer.touch();
        observer.observe(content.content());
        if (capture != null && !capture.appendWithin(content.content(), cache.maxEntryBytes())) {
            capture = null; // larger than an entry may be
            cache.settle();
        }
        if (gate != null) {
            try {
                gate.feed(content.content());
            } catch (RuntimeException e) {
                abort(ErrorKind.INTERNAL, "holding the response for PreToolUse hooks failed: " + e);
                return;
            } finally {
                content.release();
            }
            if (content instanceof LastHttpContent && state == State.STREAMING) { // not when the gate refused
                finish(null);
            }
        } else if (content instanceof LastHttpContent) {
            finish((LastHttpContent) content);
        } else {
            toClient(content);
        }
    }

    /** A gate writes the body the client receives through the same path as an ungated one. */
    private final class GateOutput implements ResponseGate.Output {
        @Override
        public void write(ByteBuf bytes) {
            writeHeldHead();
            toClient(new DefaultHttpContent(bytes));
        }

        @Override
        public void flush() {
            client.flush();
        }

        @Override
        public void refuse(String message) {
            refuse(message, null);
        }

        @Override
        public void refuse(String message, byte[] lastEvent) {
            if (state != State.STREAMING && state != State.HOLDING) {
                return;
            }
            if (heldHead != null) {
                heldHead = null;
                gate.cancel();
                fail(ErrorKind.UPSTREAM_BAD_RESPONSE, message);
                return;
            }
            if (lastEvent != null) {
                toClient(new DefaultHttpContent(Unpooled.wrappedBuffer(lastEvent))); // flushed by abort
            }
            abort(ErrorKind.UPSTREAM_BAD_RESPONSE, message);
        }
    }

    private void writeHeldHead() {
        if (heldHead != null) {
            client.write(heldHead);
            heldHead = null;
        }
    }

    /** Body bytes to the client, shown to the response hooks on the way. */
    private void toClient(HttpContent content) {
        bytesOut += content.content().readableBytes();
        if (tap != null) {
            tap.observe(content.content());
        }
        client.write(content);
    }

    @Override
    public void onUpstreamReadComplete() {
        if (state == State.STREAMING) {
            client.flush();
            if (!client.isWritable()) {
                // The client is slower than the upstream: stop reading until it has drained.
                paused = true;
                timer.pause();
                upstream.config().setAutoRead(false);
            }
        }
    }

    /** The client channel's writability changed: resume reading the upstream once it drained. */
    public void onClientWritable() {
        if (state == State.STREAMING && paused && client.isWritable()) {
            paused = false;
            timer.resume();
            upstream.config().setAutoRead(true);
        }
    }

    /** The upstream's body ended; {@code last} is its last chunk, or null when a gate took it. */
    private void finish(LastHttpContent last) {
        timer.cancel();
        if (upstream == null) {
            // a replay: no connection to hand back
        } else if (upstreamKeepAlive && requestWritten) {
            upstreamClient.release(upstream);
        } else {
            upstreamClient.discard(upstream);
        }
        upstream = null;
        observer.finish();
        if (capture != null && (!observer.streaming() || observer.endedCleanly())) {
            // Complete: a JSON body to its length, or a stream through its final event. Stored before the
            // gate or the client sees it, as the upstream sent it, so every replay passes the hooks anew.
            cache.store(new CachedResponse(status, upstreamHead.headers(), capture.copy(0, capture.length()),
                    System.currentTimeMillis()));
        }
        capture = null;
        if (cache != null) {
            cache.settle(); // followers replay now, not after a gate's hooks or the client's last write
        }
        if (gate != null) {
            state = State.HOLDING;
            // The hooks answer within their timeouts; a gate that never finishes is cut at the idle timeout.
            timer.arm(config().idleTimeout(), config().idleTimeout());
            try {
                gate.end(() -> {
                    if (state == State.HOLDING) {
                        timer.cancel();
                        complete(LastHttpContent.EMPTY_LAST_CONTENT);
                    }
                });
            } catch (RuntimeException e) {
                abort(ErrorKind.INTERNAL, "holding the response for PreToolUse hooks failed: " + e);
            }
        } else {
            complete(last);
        }
    }

    private void complete(LastHttpContent last) {
        state = State.DONE;
        writeHeldHead();
        if (last.content().isReadable()) {
            bytesOut += last.content().readableBytes();
            if (tap != null) {
                tap.observe(last.content());
            }
        }
        client.writeAndFlush(last).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
        if (tap != null) {
            tap.completed();
        }
        end(Outcome.OK, null, null);
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        Throwable why = cause != null ? cause : writeFailure;
        if (state == State.AWAITING_HEAD) {
            upstream = null;
            if (reusedConnection && !retried) {
                // A pooled connection the upstream had already closed: nothing was answered, send once more.
                retried = true;
                state = State.CONNECTING;
                timer.cancel();
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
            settle(true, kind.code());
            if (kind == ErrorKind.UPSTREAM_RESET && (retry("reset before answering", 0)
                    || fallBack("reset before answering"))) {
                return;
            }
            fail(kind, "upstream " + upstreamName() + " closed the connection before answering"
                    + (why == null ? "" : ": " + describe(why)));
        } else if (state == State.STREAMING) {
            upstream = null;
            abort(ErrorKind.UPSTREAM_TRUNCATED, "upstream " + upstreamName() + " closed the connection mid-response"
                    + (why == null ? "" : ": " + describe(why)));
        }
    }

    private void onTimeout() {
        if (state == State.AWAITING_HEAD) {
            fail(ErrorKind.UPSTREAM_TIMEOUT, "upstream " + upstreamName() + " sent no response head within "
                    + config().headTimeout().toMillis() + " ms");
        } else if (state == State.STREAMING) {
            abort(ErrorKind.UPSTREAM_IDLE_TIMEOUT, "upstream " + upstreamName() + " sent nothing for "
                    + config().idleTimeout().toMillis() + " ms mid-response");
        } else if (state == State.HOLDING) {
            abort(ErrorKind.INTERNAL, "the PreToolUse hooks did not decide within " + config().idleTimeout().toMillis()
                    + " ms");
        }
    }

    /** The client went away: stop the upstream (that stops generation and billing). */
    public void cancel() {
        if (followTimer != null) {
            followTimer.cancel(false);
            followTimer = null;
        }
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
        if (waiter != null && upstreamClient.bulkhead().leave(waiter)) {
            waiter = null; // left the queue before a slot came
        }
        if (waitTimer != null) {
            waitTimer.cancel(false);
            waitTimer = null;
        }
        if (isLive()) {
            if (permitted) {
                permitted = false;
                upstreamClient.breaker().releasePermission(); // the client left: no verdict on the upstream
            }
            state = State.CANCELLED;
            timer.cancel();
            if (gate != null) {
                gate.cancel();
            }
            dropUpstream();
            end(Outcome.CANCELLED, null, null);
        }
    }

    /** Before the head: answer with an error in the client's dialect. */
    private void fail(ErrorKind kind, String message) {
        fail(kind, message, ProxyResponses.error(info.dialect(), kind, message, info.requestId(), keepAlive));
    }

    /** Before the head: answer with {@code answer}, its status the one logged. */
    private void fail(ErrorKind kind, String message, io.netty.handler.codec.http.FullHttpResponse answer) {
        settle(true, kind.code());
        state = State.FAILED;
        timer.cancel();
        dropUpstream();
        status = answer.status().code();
        client.writeAndFlush(answer).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
        end(Outcome.FAILED, kind, message);
    }

    /** After the head: the status cannot change, so close the client without a clean end. */
    private void abort(ErrorKind kind, String message) {
        state = State.FAILED;
        timer.cancel();
        if (gate != null) {
            gate.cancel();
        }
        dropUpstream();
        client.flush();
        client.close();
        end(Outcome.FAILED, kind, message);
    }

    private void dropUpstream() {
        if (upstream != null) {
            upstreamClient.discard(upstream);
            upstream = null;
        }
    }

    private void end(Outcome outcome, ErrorKind kind, String message) {
        releaseRequest();
        if (cache != null) {
            cache.settle(); // whoever waited on this request now replays its answer or goes upstream
        }
        releaseSlot();
        if (permitted) {
            permitted = false;
            upstreamClient.breaker().releasePermission(); // ended without a verdict on the upstream
        }
        long now = System.nanoTime();
        Usage usage = observer == null ? Usage.NONE : observer.usage();
        if (observer != null && observer.streaming()) {
            context.metrics().streamFinished();
        }
        ExchangeRecord record = new ExchangeRecord(info.requestId(), info.client().label(), info.route().name(),
                upstreamName(), info.method(), info.path(), info.model() != null ? info.model() : usage.model(),
                info.clientModel(), observer != null && observer.streaming(), status, outcome, kind, message,
                headNanos < 0 ? -1 : (headNanos - sentNanos) / 1e6, (now - info.startNanos()) / 1e6,
                info.bytesIn(), bytesOut, usage, upstreamRequestId, cacheResult);
        context.metrics().exchangeFinished(record, true);
        context.accessLog().write(record);
        if (outcome != Outcome.CANCELLED && keepAlive && client.isActive()) {
            onEnd.run();
        }
    }

    private void releaseRequest() {
        if (request != null) {
            request.release();
            request = null;
        }
    }

    /** Whether the exchange has not ended yet. */
    public boolean isLive() {
        return state == State.CONNECTING || state == State.AWAITING_HEAD || state == State.STREAMING
                || state == State.HOLDING;
    }

    private UpstreamConfig config() {
        return upstreamClient.config();
    }

    private String upstreamName() {
        return upstreamClient.config().name();
    }

    /**
     * The upstream's breaker is open or its retries are spent: try its next fallback upstream, while the
     * body is still held and nothing went to the client. False when none is left.
     */
    private boolean fallBack(String why) {
        List<String> alternates = info.route().upstream().fallback();
        while (request != null && fallbackIndex < alternates.size()) {
            UpstreamClient alternate = context.upstreams().get(alternates.get(fallbackIndex++));
            if (alternate == null) {
                continue;
            }
            LOG.info("request {} to upstream {}: {}; falling back to upstream {}", info.requestId(), upstreamName(),
                    why, alternate.config().name());
            timer.cancel();
            dropUpstream();
            releaseSlot(); // the alternate's own bulkhead applies
            upstreamClient = alternate;
            attempts = 1;
            waitedMillis = 0;
            state = State.CONNECTING;
            enter();
            return true;
        }
        return false;
    }

    private static SSLException tlsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return (SSLException) c;
            }
        }
        return null;
    }

    /** A cause as the client and the log read it: never a URL's credentials. */
    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName()
                : dev.interpose.config.Secrets.mask(message);
    }
}
