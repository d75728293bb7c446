package dev.interpose.proxy.server;

import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.body.ContentCodings;
import dev.interpose.proxy.cache.CacheKey;
import dev.interpose.proxy.cache.KeyBuilder;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.body.ModelPeek;
import dev.interpose.proxy.body.ModelRewrite;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.exchange.Exchange;
import dev.interpose.proxy.exchange.RequestInfo;
import dev.interpose.proxy.agent.AgentApi;
import dev.interpose.proxy.agent.AgentRunner;
import dev.interpose.proxy.hook.Hooks;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.route.ClientKind;
import dev.interpose.proxy.route.Route;
import dev.interpose.proxy.route.Router;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.TimeUnit;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per client connection: turns each aggregated request into an {@link Exchange}, or answers it itself
 * (local endpoints, malformed, refused or oversized requests, unknown paths, WebSocket upgrades). One
 * exchange at a time per connection: pipelined requests wait in arrival order, with reading paused while any
 * waits, and are answered in that order. Confined to the channel's event loop.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter implements RequestTimeoutHandler.Watched {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);

    /** Bodies larger than this have their cache key built off the event loop. */
    private static final int KEY_ON_LOOP_BYTES = dev.interpose.proxy.body.Limits.KEY_ON_LOOP_BYTES;
    /** How long the rest of an oversized body is read and dropped after the 413, at most. */
    private static final long DRAIN_SECONDS = 5;

    private final ServerContext server;
    private final LocalAnswers local;
    private ChannelHandlerContext ctx;
    private Exchange current;
    /** A request is with its hooks (off the event loop); the next one waits as for a live exchange. */
    private boolean hooking;
    /** Pipelined requests that arrived while one was in flight, in order. */
    private final java.util.ArrayDeque<FullHttpRequest> waiting = new java.util.ArrayDeque<>();
    /** {@link #dispatch} is on the stack: an exchange that ends within it must not start the next one itself. */
    private boolean dispatching;
    /** An answer that closes the connection was written: nothing more is answered on it. */
    private boolean closing;
    /** The 413 of an oversized pipelined request, written once the requests before it are answered. */
    private FullHttpResponse oversized;
    private final RequestTimeoutHandler timer;
    /** Completes when the client goes away while its request is with the commands, hooks or agents. */
    private java.util.concurrent.CompletableFuture<Void> gone = new java.util.concurrent.CompletableFuture<>();
    /** A request of this connection is counted in flight ({@link ServerContext#arrived}). */
    private boolean serving;
    /** A 413 closed the conversation: whatever the client sent after the oversized body is dropped. */
    private boolean refusing;

    ClientHandler(ServerContext server, RequestTimeoutHandler timer) {
        this.server = server;
        this.local = new LocalAnswers(server);
        this.timer = timer;
        timer.watch(this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        if (refusing || closing) {
            request.release();
            return;
        }
        waiting.add(request);
        dispatch();
    }

    /** Whether a request is being served: an exchange live, or hooks, agents or a cache key at work off the loop. */
    @Override
    public boolean busy() {
        return (current != null && current.isLive()) || hooking;
    }

    /**
     * Serves the waiting requests in order while nothing is in flight; reads on only when none waits (the
     * codec may hand over several at once, but no more arrive meanwhile).
     */
    private void dispatch() {
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            while (true) {
                if (serving && !busy()) {
                    serving = false; // the request in flight has its outcome
                    server.left();
                }
                if (busy() || closing || waiting.isEmpty() || !ctx.channel().isActive()) {
                    break;
                }
                serving = true; // in flight from here, in every stage, until its outcome: what a drain waits for
                server.arrived();
                handleSafely(waiting.poll());
            }
        } finally {
            dispatching = false;
        }
        if (closing) {
            releaseWaiting();
            return;
        }
        if (oversized != null && !busy() && waiting.isEmpty()) {
            writeOversized();
            return;
        }
        ctx.channel().config().setAutoRead(waiting.isEmpty());
        if (!busy() && waiting.isEmpty()) {
            timer.idle();
        }
    }

    private void releaseWaiting() {
        FullHttpRequest next;
        while ((next = waiting.poll()) != null) {
            next.release();
        }
    }

    /** Every request gets an answer: a bug of ours becomes a 500 in the client's dialect, not a dropped connection. */
    private void handleSafely(FullHttpRequest request) {
        String requestId = RequestIds.next();
        try {
            handle(request, requestId);
        } catch (RuntimeException e) {
            LOG.error("internal error {} handling {} {}", requestId, request.method(),
                    LocalAnswers.pathOf(LocalAnswers.originForm(request.uri())), e);
            if (current == null || !current.isLive()) {
                if (request.refCnt() > 0) {
                    request.release();
                }
                write(ProxyResponses.error(ApiDialect.errorsOf(Router.guessDialect(request.headers())), ErrorKind.INTERNAL,
                        "internal proxy error (" + e.getClass().getSimpleName() + "); see the proxy log for " + requestId,
                        requestId, false), false);
            } else {
                ctx.close();
            }
        }
    }

    private void handle(FullHttpRequest request, String requestId) {
        long start = System.nanoTime();
        ServerContext.Snapshot now = server.snapshot(); // this request's configuration, to its end
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !server.draining();
        String uri = LocalAnswers.originForm(request.uri());
        String path = LocalAnswers.pathOf(uri);
        ApiDialect guess = LocalAnswers.dialectOf(path, request.headers());
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (!ctx.channel().isActive()) {
                // The client left mid-request: one line, no trace (nothing is wrong on our side).
                LOG.info("client {} left before its request {} {} was complete", ctx.channel().remoteAddress(),
                        request.method(), path);
                request.release();
                return;
            }
            ErrorKind kind = cause instanceof ProxyException refused ? refused.kind()
                    : cause instanceof TooLongHttpHeaderException ? ErrorKind.HEADERS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? ErrorKind.URI_TOO_LONG : ErrorKind.BAD_REQUEST;
            String message = cause instanceof ProxyException ? cause.getMessage()
                    : kind == ErrorKind.HEADERS_TOO_LARGE
                    ? "request headers exceed " + now.config().listener().maxHeaderBytes() + " bytes"
                    : "malformed HTTP request: " + cause.getMessage();
            answerLocally(request, guess, kind, message, requestId, start, false);
            return;
        }
        if (LocalEndpoints.handles(path)) {
            FullHttpResponse answer = LocalEndpoints.answer(path, server, now, requestId, keepAlive);
            request.release();
            write(answer, keepAlive);
            return;
        }
        if (AgentApi.PATH.equals(path)) {
            runAgents(now, request, requestId, start, keepAlive);
            return;
        }
        if ("websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            // Codex's built-in provider tries a WebSocket first; 426 makes it fall back to HTTP at once.
            answerLocally(request, ApiDialect.RESPONSES, ErrorKind.UPGRADE_REQUIRED,
                    "WebSocket is not supported by this proxy; use HTTP with server-sent events", requestId, start,
                    keepAlive);
            return;
        }
        int maxBody = now.config().listener().maxBodyBytes();
        String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        boolean encoded = encoding != null && !encoding.equalsIgnoreCase("identity");
        boolean readable = !encoded || ContentCodings.supported(encoding); // else forwarded as sent, model unknown
        byte[] decoded; // the body decompressed, once, when it came compressed in a coding the proxy reads
        String model;
        try {
            decoded = encoded && readable ? ContentCodings.decode(request.content(), encoding, maxBody) : null;
            model = !readable ? null : decoded != null ? ModelPeek.of(decoded) : ModelPeek.of(request.content());
        } catch (ProxyException e) {
            Route dialectOnly = now.router().route(path, request.headers(), null);
            answerLocally(request, dialectOnly != null ? ApiDialect.of(path, dialectOnly.dialect()) : guess, e.kind(), e.getMessage(),
                    requestId, start, keepAlive);
            return;
        }
        Route route = now.router().route(path, request.headers(), model);
        if (route == null) {
            answerLocally(request, guess, ErrorKind.NOT_FOUND, "no upstream serves " + path, requestId, start,
                    keepAlive);
            return;
        }
        long bytesIn = request.content().readableBytes();
        String clientModel = null;
        if (route.rewriteModel() != null && model != null && !model.equals(route.rewriteModel())) {
            FullHttpRequest rewritten = rewriteModel(request, decoded, route.rewriteModel());
            if (rewritten != null) {
                request = rewritten;
                decoded = null; // the body is now the rewritten, uncompressed one
                clientModel = model;
                model = route.rewriteModel();
            }
        }
        RequestInfo info = new RequestInfo(requestId, ClientKind.of(request.headers()), route,
                request.method().name(), path, uri, model, clientModel, bytesIn, keepAlive,
                request.protocolVersion().equals(HttpVersion.HTTP_1_1), start);
        boolean claudeCode = info.client() == ClientKind.CLAUDE;
        Hooks hooks = now.hooks();
        String agentCall = request.headers().get(AgentRunner.HEADER);
        request.headers().remove(AgentRunner.HEADER); // never sent upstream
        if (agentCall != null && agentCall.equals(now.commands().agents().token())) {
            startExchange(now, request, info, null, decoded); // a subagent's own call: no commands, no hooks again
            return;
        }
        boolean command = ApiDialect.forPath(path) != null && readable
                && now.commands().mayApply(decoded != null ? Unpooled.wrappedBuffer(decoded) : request.content());
        if (!command && !hooks.wants(path, claudeCode)) {
            startExchange(now, request, info, null, decoded); // no hook, no command: no copy, no parse
            return;
        }
        RequestHooks.Meta meta = HookHandoff.meta(info, request.headers());
        if (hooks.response().gates(path, claudeCode)) {
            // The gate reads the stream to hold tool calls back: ask the upstream for it uncompressed.
            request.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        }
        if (!command && !hooks.request().wants(path, claudeCode)) {
            startExchange(now, request, info, meta, decoded);
            return;
        }
        byte[] body = decoded != null ? decoded : io.netty.buffer.ByteBufUtil.getBytes(request.content());
        hooking = true;
        gone = new java.util.concurrent.CompletableFuture<>(); // one per hand-off, so nothing piles up on it
        FullHttpRequest held = request;
        (readable ? hooks.request().apply(body, meta, command ? now.commands() : null, gone)
                : hooks.request().unreadable(meta, "its Content-Encoding " + encoding + " is not one the proxy decodes"))
                .thenAccept(decision ->
                ctx.channel().eventLoop().execute(() -> afterHooks(now, held, readable ? body : null, info, meta, decision)));
    }

    /**
     * {@code POST /interpose/agents/run}: the agents run off the loop; the answer is written back on it. Bounded:
     * the body at most {@link AgentApi#MAX_BODY_BYTES} (413), at most {@link AgentApi#MAX_RUNS_PER_PEER} runs in
     * flight per client address (429); the agents per run are bounded by {@link AgentApi}.
     */
    private void runAgents(ServerContext.Snapshot now, FullHttpRequest request, String requestId, long start,
            boolean keepAlive) {
        if (!"POST".equals(request.method().name())) {
            answerLocally(request, ApiDialect.RESPONSES, ErrorKind.BAD_REQUEST, AgentApi.PATH + " takes POST", requestId,
                    start, keepAlive);
            return;
        }
        if (request.content().readableBytes() > AgentApi.MAX_BODY_BYTES) {
            answerLocally(request, ApiDialect.RESPONSES, ErrorKind.BODY_TOO_LARGE, AgentApi.PATH + " takes a body of at most "
                    + AgentApi.MAX_BODY_BYTES + " bytes", requestId, start, keepAlive);
            return;
        }
        String peer = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        if (!server.agentRuns().tryAcquire(peer)) {
            answerLocally(request, ApiDialect.RESPONSES, ErrorKind.TOO_MANY_REQUESTS, "this client already has "
                    + AgentApi.MAX_RUNS_PER_PEER + " agent runs in flight; wait for one to end", requestId, start,
                    keepAlive);
            return;
        }
        byte[] body = io.netty.buffer.ByteBufUtil.getBytes(request.content());
        java.util.Map<String, String> credentials = HookHandoff.credentials(request.headers());
        request.release();
        hooking = true;
        gone = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> cancel = gone;
        java.util.concurrent.CompletableFuture.supplyAsync(() -> AgentApi.run(now.commands().agents(), body, credentials,
                requestId, cancel), now.commands().agents().executor()).thenCompose(f -> f)
                .exceptionally(e -> {
                    LOG.error("internal error {} running agents", requestId, e); // the line the 500 points to
                    return new AgentApi.Answer(500, ApiDialect.RESPONSES.errorBody(ErrorKind.INTERNAL,
                            "the agents could not run; see the proxy log for " + requestId));
                })
                .whenComplete((answer, e) -> server.agentRuns().release(peer))
                .thenAccept(answer ->
                ctx.channel().eventLoop().execute(() -> {
                    hooking = false;
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    write(ProxyResponses.complete(HttpResponseStatus.valueOf(answer.status()), answer.body(),
                            "application/json", requestId, keepAlive), keepAlive);
                    HookHandoff.localRecord(now.exchanges(), requestId, request.headers(), AgentApi.PATH,
                            answer.status(), body.length, answer.body().length, start);
                    exchangeEnded();
                }));
    }

    /**
     * Forwards the request; {@code meta} is set when hooks may see the response, {@code plain} holds the
     * body uncompressed when it is already at hand (else null: the cache reads it from the request).
     */
    private void startExchange(ServerContext.Snapshot now, FullHttpRequest request, RequestInfo info,
            RequestHooks.Meta meta, byte[] plain) {
        ResponseHooks responseHooks = now.hooks().response();
        ResponseHooks.Tap tap = meta != null && responseHooks.wants(info.path(), meta.claudeCode())
                ? responseHooks.tap(meta) : null;
        String asked = request.headers().get(ResponseCache.HEADER);
        request.headers().remove(ResponseCache.HEADER); // the proxy's, never the upstream's
        ResponseCache.Ticket ticket = null;
        if (asked != null || now.config().cache().enabledFor(info.route().name(), info.route().upstream().name())) {
            String mode = asked == null ? "on" : asked.strip().toLowerCase(java.util.Locale.ROOT);
            if (!mode.equals("on") && !mode.equals("off") && !mode.equals("refresh")) {
                answerLocally(request, info.dialect(), ErrorKind.BAD_REQUEST, ResponseCache.HEADER + " was \""
                        + asked + "\"; expected on, off or refresh", info.requestId(), info.startNanos(),
                        info.keepAlive());
                exchangeEnded();
                return;
            }
            if (!mode.equals("off") && "POST".equals(info.method())) {
                ResponseCache cache = now.exchanges().cache();
                boolean refresh = mode.equals("refresh");
                int maxBody = now.config().listener().maxBodyBytes();
                String coding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
                int size = plain != null ? plain.length
                        : coding == null || coding.equalsIgnoreCase("identity") ? request.content().readableBytes()
                        : Integer.MAX_VALUE; // compressed: its size is unknown until it is decoded
                if (size <= KEY_ON_LOOP_BYTES) {
                    ticket = cache.admit(cacheKey(cache.keys(), request, plain, info, maxBody), refresh);
                } else {
                    // About 1.4 µs a kilobyte: the key of a large or compressed body is built off the event loop.
                    hooking = true;
                    FullHttpRequest held = request;
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> cacheKey(cache.keys(), held, plain, info, maxBody), now.commands().agents().executor())
                            .whenComplete((key, error) -> ctx.channel().eventLoop().execute(() -> {
                                hooking = false;
                                if (!ctx.channel().isActive()) {
                                    held.release();
                                    return;
                                }
                                try {
                                    begin(now, held, info, tap, cache.admit(error == null ? key : null, refresh));
                                } catch (RuntimeException e) {
                                    failInternally(held, info, "starting", e);
                                }
                            }));
                    return;
                }
            }
        }
        begin(now, request, info, tap, ticket);
    }

    private void begin(ServerContext.Snapshot now, FullHttpRequest request, RequestInfo info, ResponseHooks.Tap tap,
            ResponseCache.Ticket ticket) {
        current = new Exchange(now.exchanges(), ctx.channel(), request, info, tap, ticket, this::exchangeEnded);
        current.start();
    }

    /**
     * The request's cache key; null when its body is not JSON, or compressed in a coding the proxy cannot
     * read. {@code plain} is the body uncompressed when already at hand, else null.
     */
    private static CacheKey cacheKey(KeyBuilder keys, FullHttpRequest request, byte[] plain, RequestInfo info,
            int maxBody) {
        String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        byte[] body;
        if (plain != null) {
            body = plain;
        } else if (encoding == null || encoding.equalsIgnoreCase("identity")) {
            body = io.netty.buffer.ByteBufUtil.getBytes(request.content());
        } else if (ContentCodings.supported(encoding)) {
            try {
                body = ContentCodings.decode(request.content(), encoding, maxBody);
            } catch (ProxyException e) {
                return null;
            }
        } else {
            return null;
        }
        return keys.key(info.route().dialect(), info.route().upstream().name() + " " + info.route().upstream().url(),
                info.method(), info.uri(), info.model(), request.headers(), body);
    }

    /** Back on the event loop with what the hooks decided: forward (the body perhaps replaced) or answer the block. */
    private void afterHooks(ServerContext.Snapshot now, FullHttpRequest request, byte[] body, RequestInfo info,
            RequestHooks.Meta meta, RequestHooks.Decision decision) {
        hooking = false;
        try {
            forwardAfterHooks(now, request, body, info, meta, decision);
        } catch (RuntimeException e) {
            failInternally(request, info, "after the hooks of", e);
        }
    }

    /** A bug of ours back on the event loop: the request released, and a 500 unless an exchange already answers. */
    private void failInternally(FullHttpRequest request, RequestInfo info, String when, RuntimeException e) {
        LOG.error("internal error {} {}", when, info.requestId(), e);
        if (request.refCnt() > 0) {
            request.release();
        }
        if (current == null || !current.isLive()) {
            write(ProxyResponses.error(info.dialect(), ErrorKind.INTERNAL, "internal proxy error ("
                    + e.getClass().getSimpleName() + "); see the proxy log for " + info.requestId(),
                    info.requestId(), false), false);
        }
    }

    /** {@code body} is the request's body as the hooks were given it, uncompressed; null when it could not be. */
    private void forwardAfterHooks(ServerContext.Snapshot now, FullHttpRequest request, byte[] body, RequestInfo info,
            RequestHooks.Meta meta, RequestHooks.Decision decision) {
        if (!ctx.channel().isActive()) {
            request.release();
            return;
        }
        if (decision.refused() != null) {
            request.release();
            write(HookHandoff.refusal(now.exchanges(), info, decision), info.keepAlive());
            exchangeEnded();
            return;
        }
        if (decision.blocked() || decision.reply() != null) {
            request.release();
            write(HookHandoff.reply(now.exchanges(), info, decision), info.keepAlive());
            exchangeEnded();
            return;
        }
        if (decision.body() != null) {
            body = decision.body();
            FullHttpRequest replaced = request.replace(Unpooled.wrappedBuffer(body));
            request.release();
            replaced.headers().remove(HttpHeaderNames.CONTENT_ENCODING);
            String before = info.model();
            info = HookHandoff.withBody(info, decision.body());
            Route again = java.util.Objects.equals(before, info.model()) ? null
                    : now.router().route(info.path(), replaced.headers(), info.model());
            if (again != null && !again.equals(info.route())) {
                // A command or hook chose another model, which another route serves.
                info = HookHandoff.withRoute(info, again);
                if (again.rewriteModel() != null && !again.rewriteModel().equals(info.model())) {
                    FullHttpRequest rewritten = rewriteModel(replaced, null, again.rewriteModel());
                    if (rewritten != null) {
                        replaced = rewritten;
                        body = null; // the body changed again
                        info = HookHandoff.withModel(info, again.rewriteModel());
                    }
                }
            }
            meta = HookHandoff.meta(info, replaced.headers());
            request = replaced;
        }
        startExchange(now, request, info, meta, body);
    }


    /**
     * The request with its body's model replaced, or null to forward it unchanged (no top-level model
     * string). A compressed body ({@code decoded} is its decompressed bytes, else null) goes upstream
     * uncompressed. Releases the original when it returns a replacement.
     */
    private static FullHttpRequest rewriteModel(FullHttpRequest request, byte[] decoded, String model) {
        ByteBuf plain = decoded != null ? Unpooled.wrappedBuffer(decoded) : request.content();
        ByteBuf body = ModelRewrite.apply(plain, model);
        if (decoded != null) {
            plain.release();
        }
        if (body == null) {
            return null;
        }
        FullHttpRequest rewritten = request.replace(body);
        request.release();
        rewritten.headers().remove(HttpHeaderNames.CONTENT_ENCODING);
        return rewritten;
    }

    /**
     * An oversized request: every later one is dropped, and its 413 is written once the requests before it are
     * answered (at once when none is in flight); then the connection half-closes.
     */
    void answerOversized(HttpRequest request, int maxBytes) {
        refusing = true;
        if (oversized != null || closing) {
            return;
        }
        oversized = tooLarge(request, maxBytes, false);
        if (!busy() && waiting.isEmpty()) {
            writeOversized();
        }
    }

    private void writeOversized() {
        FullHttpResponse answer = oversized;
        oversized = null;
        closing = true;
        ctx.writeAndFlush(answer).addListener(f -> {
            if (!f.isSuccess() || !(ctx.channel() instanceof DuplexChannel)) {
                ctx.close();
                return;
            }
            // Closing while the client is still sending its body would reset the connection, and a reset can
            // destroy the 413 before the client reads it. Half-close instead: the client reads the answer to
            // its end while what it still sends is dropped (the aggregator discards the rest of an oversized
            // body); the connection closes when the client closes its side, or after DRAIN at the latest.
            ((DuplexChannel) ctx.channel()).shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(), DRAIN_SECONDS, TimeUnit.SECONDS);
        });
    }

    /** The request timeout ran out with nothing in flight: a 408 when part of a request had come, else just close. */
    @Override
    public void timedOut(boolean partial) {
        if (!partial) {
            ctx.close(); // an idle keep-alive connection: nothing to answer
            return;
        }
        write(local.timedOut(), false);
    }

    /** The 413 answer for an oversized request, in its dialect; logged and counted here. */
    FullHttpResponse tooLarge(HttpRequest request, int maxBytes, boolean keepAlive) {
        return local.tooLarge(request, maxBytes, keepAlive);
    }

    private void answerLocally(FullHttpRequest request, ApiDialect dialect, ErrorKind kind, String message,
            String requestId, long start, boolean keepAlive) {
        FullHttpResponse answer = local.error(request, dialect, kind, message, requestId, start, keepAlive);
        request.release();
        write(answer, keepAlive);
    }

    private void write(FullHttpResponse response, boolean keepAlive) {
        if (!keepAlive) {
            closing = true; // the requests still waiting are dropped with the connection
        }
        ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
    }

    private void exchangeEnded() {
        dispatch();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.onClientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        gone.complete(null); // agent calls for this connection stop
        if (serving) {
            serving = false; // the client left: nothing is answered any more
            server.left();
        }
        if (current != null) {
            current.cancel();
        }
        releaseWaiting();
        if (oversized != null) {
            oversized.release();
            oversized = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
            // The client left mid-request: one line, no trace (nothing is wrong on our side).
            LOG.info("client {} left before its request was complete", ctx.channel().remoteAddress());
        } else if (!(cause instanceof java.io.IOException) && !(cause instanceof TooLongFrameException)) {
            LOG.warn("closing client connection after unexpected error", cause);
        }
        ctx.close();
    }
}
