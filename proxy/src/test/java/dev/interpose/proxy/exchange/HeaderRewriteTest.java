package dev.interpose.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** What crosses the proxy: end-to-end headers as they came; hop-by-hop ones and the proxy's own never, in any case. */
class HeaderRewriteTest {
    private static HttpHeaders in(boolean withConnection) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        for (String hop : new String[] {"Keep-Alive", "PROXY-CONNECTION", "Proxy-Authorization", "proxy-authenticate",
                "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Expect", "Content-Length", "x-request-id"}) {
            h.add(hop, "v");
        }
        if (withConnection) {
            h.add("Connection", "keep-alive, X-Per-Hop");
            h.add("x-per-hop", "dropped: Connection names it");
        }
        h.add("x-api-key", "sk-ant-1");
        h.add("anthropic-beta", "a,b");
        h.add("X-Stainless-Lang", "js");
        h.add("user-agent", "claude-cli/2.1");
        h.add("x-request-idx", "kept: only the exact name is the proxy's");
        return h;
    }

    @Test
    void toUpstreamKeepsEndToEndHeadersOnly() {
        for (boolean connection : new boolean[] {false, true}) {
            HttpHeaders out = HeaderRewrite.toUpstream(in(connection), "api.example", 12);
            assertThat(out.names()).containsExactlyInAnyOrder("x-request-id", "x-api-key", "anthropic-beta",
                    "X-Stainless-Lang", "user-agent", "x-request-idx", "host", "content-length");
            assertThat(out.get("host")).isEqualTo("api.example");
            assertThat(out.get("content-length")).isEqualTo("12");
            assertThat(out.get("x-request-id")).isEqualTo("v");
        }
    }

    @Test
    void toClientDropsTheUpstreamsRequestIdAndHopByHop() {
        HttpHeaders out = HeaderRewrite.toClient(in(true));
        assertThat(out.names()).containsExactlyInAnyOrder("Host", "Expect", "Content-Length", "x-api-key",
                "anthropic-beta", "X-Stainless-Lang", "user-agent", "x-request-idx");
    }
}
