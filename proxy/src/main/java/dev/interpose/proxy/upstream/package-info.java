/**
 * The upstream leg: one {@link dev.interpose.proxy.upstream.UpstreamClient} per configured upstream, with a
 * keep-alive connection pool per event loop (an exchange always gets a channel on its client's loop), TLS
 * with SNI and hostname verification, an optional HTTP {@code CONNECT} proxy, and non-blocking DNS.
 * A connection goes back to its pool only when {@link dev.interpose.proxy.upstream.UpstreamCodec} judged
 * every response on it framed beyond doubt.
 *
 * <p>Backpressure: an exchange turns its upstream channel's auto-read off as soon as its client channel
 * stops being writable and back on when it drains, so the upstream is read only as fast as the client
 * takes the bytes (toggling on writability rather than calling {@code read()} per chunk saves two
 * {@code epoll_ctl} calls per read). Idle pooled channels read, so a close by the upstream is noticed.
 */
package dev.interpose.proxy.upstream;
