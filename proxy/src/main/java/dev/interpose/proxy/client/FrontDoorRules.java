package dev.interpose.proxy.client;

import dev.interpose.config.ListenerConfig;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules a request head must pass before anything else sees it, as pure functions of the head, the
 * address the client connected to and the listener settings: exactly one {@code Host}, naming this listener
 * (a loopback name, the address the client connected to, or {@code listener.allowed-hosts}: the DNS rebinding
 * defence); no browser {@code Origin} or cross-site {@code Sec-Fetch-Site} unless the origin is in
 * {@code listener.allowed-origins}; an origin-form (or absolute-form) target without control characters or
 * dot segments; at most one {@code Transfer-Encoding}, and only {@code chunked}. No state, no I/O, never a
 * DNS lookup: safe on any thread, {@link FrontDoorHandler} calls it on the event loop.
 */
final class FrontDoorRules {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|\\[[0-9a-f:.]+]");
    private static final Pattern HOST_VALUE = Pattern.compile("([a-z0-9._-]+|\\[[0-9a-f:.]+])(:[0-9]{0,5})?");
    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "localhost.");

    private FrontDoorRules() {
    }

    /** Why this head is refused, or null when it may go on. */
    static ProxyException check(HttpRequest request, Object local, ListenerConfig config) {
        HttpHeaders headers = request.headers();
        String target = request.uri();
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return new ProxyException(ErrorKind.BAD_REQUEST, "the request target holds a control or non-ASCII "
                        + "character (0x" + Integer.toHexString(c) + "); percent-encode it");
            }
        }
        String lower = target.toLowerCase(Locale.ROOT);
        String authority = null;
        String path;
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int start = lower.indexOf("//") + 2;
            int slash = target.indexOf('/', start);
            authority = target.substring(start, slash < 0 ? target.length() : slash);
            path = slash < 0 ? "/" : target.substring(slash);
        } else if (target.startsWith("/")) {
            path = target;
        } else {
            return new ProxyException(ErrorKind.BAD_REQUEST, "the request target must be a path starting with /");
        }
        int query = path.indexOf('?');
        for (String segment : (query < 0 ? path : path.substring(0, query)).split("/", -1)) {
            String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (s.equals(".") || s.equals("..")) {
                return new ProxyException(ErrorKind.BAD_REQUEST, "the request path holds a . or .. segment");
            }
        }
        List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (te.size() > 1) {
            return new ProxyException(ErrorKind.BAD_REQUEST, "more than one Transfer-Encoding header");
        }
        if (te.size() == 1 && !te.get(0).strip().equalsIgnoreCase("chunked")) {
            return new ProxyException(ErrorKind.NOT_IMPLEMENTED, "Transfer-Encoding \"" + te.get(0)
                    + "\" is not supported (only chunked)");
        }
        if (te.size() == 1 && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            return new ProxyException(ErrorKind.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && !request.protocolVersion().equals(HttpVersion.HTTP_1_0))) {
            return new ProxyException(ErrorKind.BAD_REQUEST, "an HTTP/1.1 request needs exactly one Host header, "
                    + "this one has " + hosts.size());
        }
        for (String host : authority != null ? List.of(authority) : hosts) {
            if (!allowedHost(host, local, config.allowedHosts())) {
                return new ProxyException(ErrorKind.FORBIDDEN, "Host \"" + printable(host) + "\" is not this proxy's"
                        + " (add it to listener.allowed-hosts to accept it)");
            }
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !config.allowedOrigins().contains(origin.strip().toLowerCase(Locale.ROOT))) {
            return new ProxyException(ErrorKind.FORBIDDEN, "requests from browser pages are refused; Origin \""
                    + printable(origin) + "\" is not in listener.allowed-origins");
        }
        String site = headers.get("sec-fetch-site");
        if (origin == null && site != null && (site.equalsIgnoreCase("cross-site")
                || site.equalsIgnoreCase("same-site"))) {
            return new ProxyException(ErrorKind.FORBIDDEN, "requests from browser pages are refused (Sec-Fetch-Site: "
                    + printable(site) + ")");
        }
        return null;
    }

    /** A loopback name or address, the address the client connected to, or one of the allowed names; any port. */
    static boolean allowedHost(String value, Object local, List<String> allowed) {
        String host = value.strip().toLowerCase(Locale.ROOT);
        if (!HOST_VALUE.matcher(host).matches()) {
            return false;
        }
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            host = host.substring(0, colon);
        }
        if (LOOPBACK_NAMES.contains(host) || allowed.contains(host)) {
            return true;
        }
        if (!IP_LITERAL.matcher(host).matches()) {
            return false;
        }
        InetAddress address = literal(host);
        if (address == null) {
            return false;
        }
        return address.isLoopbackAddress()
                || local instanceof InetSocketAddress bound && address.equals(bound.getAddress());
    }

    /** The address of an IP literal, or null; never a DNS lookup (this runs on the event loop). */
    private static InetAddress literal(String host) {
        try {
            if (host.startsWith("[")) {
                return InetAddress.getByName(host); // brackets make it an IPv6 literal or an error, never a name
            }
            String[] parts = host.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    /** A header value as it may appear in a message and the log: printable ASCII, at most 100 characters. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 100; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '"' ? c : '?');
        }
        return out.toString();
    }
}
