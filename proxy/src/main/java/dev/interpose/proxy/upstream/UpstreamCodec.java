package dev.interpose.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of an upstream connection: Netty's request encoder and response decoder, and the
 * judgement whether the connection may carry another request. Like {@code HttpClientCodec} it remembers the
 * method of each request written, so a response to {@code HEAD} is read without a body whatever its headers
 * say. Unlike it, it marks the connection not {@link #reusable()} as soon as its framing is in doubt: bytes
 * after the end of the last response asked for (a body sent after a {@code HEAD}, a 204 or a 304, or anything
 * sent while nothing was asked, which also closes the connection at once), a body that ends only when the
 * connection closes, or anything the decoder could not read (Content-Length beside Transfer-Encoding is one).
 * A connection closed with a request unanswered reports a {@link PrematureChannelClosureException}.
 * Confined to the channel's event loop.
 */
final class UpstreamCodec extends CombinedChannelDuplexHandler<UpstreamCodec.Decoder, UpstreamCodec.Encoder> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamCodec.class);

    /** The methods of the requests written whose final response has not ended yet. */
    private final ArrayDeque<HttpMethod> asked = new ArrayDeque<>();
    /** The head of the response being read, null between responses. */
    private HttpResponse reading;
    private boolean reusable = true;

    UpstreamCodec(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        init(new Decoder(maxInitialLineLength, maxHeaderSize, maxChunkSize), new Encoder());
    }

    /** Whether every response so far was framed beyond doubt, so the next request may use the connection. */
    boolean reusable() {
        return reusable;
    }

    /** Takes note of one decoded part: a response's end, a framing that cannot be trusted, a failure. */
    private void observe(Object part) {
        if (part instanceof HttpObject && ((HttpObject) part).decoderResult().isFailure()) {
            reusable = false;
        }
        if (part instanceof HttpResponse) {
            reading = (HttpResponse) part;
            if (!interim(reading) && !bodyless(reading) && !HttpUtil.isContentLengthSet(reading)
                    && !HttpUtil.isTransferEncodingChunked(reading)) {
                reusable = false; // its body ends when the connection closes
            }
        }
        if (part instanceof LastHttpContent && reading != null) {
            if (!interim(reading)) {
                asked.poll(); // the final response to the oldest request ended
            }
            reading = null;
        }
    }

    /** A 1xx answer before the real one ({@code 101} is final: the connection would stop speaking HTTP). */
    private static boolean interim(HttpResponse head) {
        int code = head.status().code();
        return code >= 100 && code < 200 && code != 101;
    }

    private boolean bodyless(HttpResponse head) {
        int code = head.status().code();
        return HttpMethod.HEAD.equals(asked.peek()) || code == 204 || code == 304 || code == 101;
    }

    /** Records the method of each request on its way out. */
    final class Encoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest) {
                asked.add(((HttpRequest) msg).method());
            }
            super.encode(ctx, msg, out);
        }
    }

    /** Decodes responses and judges their framing. */
    final class Decoder extends HttpResponseDecoder {
        /** How far the output list of the current {@code decodeLast} was observed by {@link #decode}. */
        private int observedTo = -1;

        Decoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
            super(maxInitialLineLength, maxHeaderSize, maxChunkSize, true);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (asked.isEmpty() && buffer.isReadable()) {
                // Nothing is asked, so these bytes belong to no response: a body after a HEAD or a 204, or an
                // answer to no request. Whatever comes next on this connection cannot be trusted.
                reusable = false;
                LOG.info("upstream connection {} sent {} bytes beyond the response asked for; closing it",
                        ctx.channel().remoteAddress(), buffer.readableBytes());
                buffer.skipBytes(buffer.readableBytes());
                ctx.close();
                return;
            }
            int from = out.size();
            super.decode(ctx, buffer, out);
            for (int i = from; i < out.size(); i++) {
                observe(out.get(i));
            }
            observedTo = out.size();
        }

        @Override
        protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int from = out.size();
            observedTo = -1;
            super.decodeLast(ctx, in, out); // may decode (observed there), then end a body read to the close
            for (int i = Math.max(from, observedTo); i < out.size(); i++) {
                observe(out.get(i));
            }
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            return HttpMethod.HEAD.equals(asked.peek()) || super.isContentAlwaysEmpty(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            super.channelInactive(ctx);
            if (!asked.isEmpty()) {
                ctx.fireExceptionCaught(new PrematureChannelClosureException("channel gone inactive with "
                        + asked.size() + " missing response(s)"));
            }
        }
    }
}
