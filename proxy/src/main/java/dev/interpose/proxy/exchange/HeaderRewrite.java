package dev.interpose.proxy.exchange;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * Copies headers from one side to the other: every end-to-end header as it came (credentials,
 * {@code anthropic-beta}, session ids, {@code x-stainless-*}, {@code x-codex-*}), without the hop-by-hop
 * ones (RFC 9110 section 7.6.1) and those the proxy sets itself. Stateless.
 */
final class HeaderRewrite {
    private static final AsciiString[] HOP_BY_HOP = {
        HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, AsciiString.cached("proxy-connection"),
        HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.TE,
        HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE};
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    /**
     * Bit n set when some header this class may leave out is n characters long: most names (x-stainless-*,
     * anthropic-*, user-agent) are copied on one length test, without comparing a single character.
     */
    private static final long DROPPABLE_LENGTHS = lengths(HOP_BY_HOP, HttpHeaderNames.HOST, HttpHeaderNames.EXPECT,
            HttpHeaderNames.CONTENT_LENGTH, X_REQUEST_ID);

    private HeaderRewrite() {
    }

    /** The request headers sent upstream: end-to-end ones, {@code Host} rewritten, a fresh length. */
    static HttpHeaders toUpstream(HttpHeaders in, String host, int contentLength) {
        HttpHeaders out = copy(in, HttpHeaderNames.HOST, HttpHeaderNames.EXPECT, HttpHeaderNames.CONTENT_LENGTH);
        out.set(HttpHeaderNames.HOST, host);
        if (contentLength > 0 || in.contains(HttpHeaderNames.CONTENT_LENGTH)
                || in.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            out.setInt(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        }
        return out;
    }

    /** The response headers sent to the client; framing and keep-alive are the caller's to set. */
    static HttpHeaders toClient(HttpHeaders in) {
        return copy(in, X_REQUEST_ID, null, null);
    }

    private static HttpHeaders copy(HttpHeaders in, AsciiString skip1, AsciiString skip2, AsciiString skip3) {
        String connection = in.get(HttpHeaderNames.CONNECTION);
        HttpHeaders out = new DefaultHttpHeaders(false);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (name.length() < 64 && (DROPPABLE_LENGTHS & (1L << name.length())) == 0 && connection == null) {
                out.add(name, e.getValue());
                continue;
            }
            if (isHopByHop(name) || AsciiString.contentEqualsIgnoreCase(name, skip1)
                    || (skip2 != null && AsciiString.contentEqualsIgnoreCase(name, skip2))
                    || (skip3 != null && AsciiString.contentEqualsIgnoreCase(name, skip3))
                    || (connection != null && listedIn(connection, name))) {
                continue;
            }
            out.add(e.getKey(), e.getValue());
        }
        return out;
    }

    private static long lengths(AsciiString[] names, AsciiString... more) {
        long bits = 0;
        for (AsciiString n : names) {
            bits |= 1L << n.length();
        }
        for (AsciiString n : more) {
            bits |= 1L << n.length();
        }
        return bits;
    }

    private static boolean isHopByHop(CharSequence name) {
        for (AsciiString hop : HOP_BY_HOP) {
            if (hop.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} is one of the comma-separated tokens of a {@code Connection} header. */
    private static boolean listedIn(String connection, CharSequence name) {
        for (String token : connection.split(",")) {
            if (AsciiString.contentEqualsIgnoreCase(name, token.trim())) {
                return true;
            }
        }
        return false;
    }
}
