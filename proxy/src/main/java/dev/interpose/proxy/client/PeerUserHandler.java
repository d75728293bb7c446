package dev.interpose.proxy.client;

import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a connection shut until its owner is known, then serves it only when it is this proxy's own user or
 * a client of another machine (its socket is not in this machine's tables, and it is not on loopback). The connection is accepted with auto-read off; the lookup runs on the {@link PeerUsers} executor and
 * its answer comes back to the event loop. Whatever Netty reads meanwhile all the same (it drains a socket
 * whose client has shut its side) is held here, never passed on. The owner's connection gets what was held,
 * this handler removed and reading switched on. Any other owner, or none found for a loopback client (it has
 * closed), or a table that could not be read, is refused, fail-closed: one WARN line with the uid, then each request head is
 * marked as a decoding failure carrying a 403 {@link ProxyException}, which {@link ClientHandler} answers in
 * the client's dialect before closing; nothing is forwarded or acted on. Sits right after the HTTP codec;
 * confined to the channel's event loop, and owns the messages it holds.
 */
final class PeerUserHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PeerUserHandler.class);

    private final PeerUsers users;
    /** What arrived before the owner was known, in order. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    /** Why every request on this connection is refused; null while unknown or when served. */
    private ProxyException refusal;
    private boolean decided;

    PeerUserHandler(PeerUsers users) {
        this.users = users;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        users.ownerOf(ctx.channel()).whenComplete((owner, error) -> ctx.executor().execute(() ->
                decide(ctx, owner, error)));
    }

    private void decide(ChannelHandlerContext ctx, OptionalInt owner, Throwable error) {
        if (decided || !ctx.channel().isActive()) {
            return; // the client left meanwhile; channelInactive released what was held
        }
        decided = true;
        boolean served = owner != null && (owner.isPresent() ? owner.getAsInt() == users.self()
                : !PeerUsers.loopback(ctx.channel())); // not in this machine's tables: another machine's client
        if (error == null && served) {
            ctx.channel().config().setAutoRead(true); // before the replay: the handlers after may turn it off again
            replay(ctx);
            ctx.pipeline().remove(this);
            return;
        }
        String who;
        if (error != null) {
            who = "whose owner could not be looked up";
            LOG.warn("refusing client {}: its owner could not be looked up ({}); this proxy serves only "
                    + "uid {}", ctx.channel().remoteAddress(), rootOf(error), users.self());
        } else if (owner.isEmpty()) {
            who = "whose owner was not found";
            LOG.warn("refusing loopback client {}: no socket of it was found (did it close?); this proxy serves "
                    + "only uid {}", ctx.channel().remoteAddress(), users.self());
        } else {
            who = "from uid " + owner.getAsInt();
            LOG.warn("refusing local client {} of uid {}: this proxy serves only uid {} "
                    + "(listener.allow-other-users: false)", ctx.channel().remoteAddress(), owner.getAsInt(),
                    users.self());
        }
        refusal = new ProxyException(ErrorKind.FORBIDDEN, "this proxy serves only its own user (uid " + users.self()
                + "); connections " + who + " are refused (listener.allow-other-users)");
        ctx.channel().config().setAutoRead(true); // read the request head, to answer it in the client's dialect
        replay(ctx);
    }

    private static Throwable rootOf(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private void replay(ChannelHandlerContext ctx) {
        if (held.isEmpty()) {
            return;
        }
        Object msg;
        while ((msg = held.poll()) != null) {
            channelRead(ctx, msg);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!decided) {
            held.add(msg);
            return;
        }
        if (refusal != null && msg instanceof HttpRequest request) {
            request.setDecoderResult(DecoderResult.failure(refusal));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (decided) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!decided) {
            decided = true;
            if (!held.isEmpty()) {
                // one line, no trace, as for any client leaving mid-request; nothing of it was passed on
                LOG.info("client {} left before its request was complete (before its owner was known)",
                        ctx.channel().remoteAddress());
            }
            release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
