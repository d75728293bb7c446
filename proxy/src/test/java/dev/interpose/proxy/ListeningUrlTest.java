package dev.interpose.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The address printed at start-up is one a user can paste: no {@code 0:0:0:0:0:0:0:0}, IPv6 in brackets. */
@Timeout(10)
class ListeningUrlTest {
    @Test
    void theWildcardIsPrintedAsTheFamilyTheUserAskedFor() throws Exception {
        // The JVM reports an IPv4 wildcard bind as the IPv6 wildcard on a dual-stack socket.
        InetSocketAddress anyV6 = new InetSocketAddress(InetAddress.getByName("::"), 10000);
        assertThat(Main.listeningUrl(anyV6, "0.0.0.0")).isEqualTo("http://0.0.0.0:10000");
        assertThat(Main.listeningUrl(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 10000), "0.0.0.0"))
                .isEqualTo("http://0.0.0.0:10000");
        assertThat(Main.listeningUrl(anyV6, "::")).isEqualTo("http://[::]:10000");
    }

    @Test
    void addressesArePrintedAsLiteralsWithIpv6InBrackets() throws Exception {
        assertThat(Main.listeningUrl(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080), "localhost"))
                .isEqualTo("http://127.0.0.1:8080");
        assertThat(Main.listeningUrl(new InetSocketAddress(InetAddress.getByName("::1"), 8080), "::1"))
                .isEqualTo("http://[0:0:0:0:0:0:0:1]:8080");
    }
}
