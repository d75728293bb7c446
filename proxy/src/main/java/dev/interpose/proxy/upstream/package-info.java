/**
 * The upstream leg: one {@link dev.interpose.proxy.upstream.UpstreamClient} per configured upstream, with a
 * keep-alive connection pool per event loop (an exchange always gets a channel on its client's loop), TLS
 * with SNI and hostname verification, an optional HTTP {@code CONNECT} proxy, and non-blocking DNS.
 *
 * <p>Upstream channels run with auto-read off while an exchange owns them: the exchange reads the next
 * chunk only when its client can take it. Idle pooled channels read so a close by the upstream is noticed.
 */
package dev.interpose.proxy.upstream;
