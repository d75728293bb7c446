package dev.interpose.proxy.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader of Linux's socket tables: lines captured from a real kernel (x86, little-endian) with a client
 * run as nobody (uid 65534) against listeners of root, over IPv4, IPv6 and IPv4-mapped IPv6; and the live
 * tables of this machine for a connection this test opens itself.
 */
@Timeout(30) // real sockets (NIO: an interrupt ends a blocked one)
class ProcNetTcpTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
            + "   uid  timeout inode";
    /** Client 127.0.0.1:35276 of uid 65534, connected to 127.0.0.1:37929. */
    private static final String V4_CLIENT = "   2: 0100007F:89CC 0100007F:9429 01 00000000:00000000 00:00000000 "
            + "00000000 65534        0 1159914 2 0000000048f51585 20 0 0 10 -1                   ";
    /** The same connection's server end, still in the accept queue (uid 0, inode 0). */
    private static final String V4_SERVER = "   5: 0100007F:9EE7 0100007F:E86C 01 00000000:00000000 00:00000000 "
            + "00000000     0        0 0 1 00000000ad6cde1e 20 0 0 10 -1                         ";
    private static final String V4_LISTEN = "   0: 0100007F:9EE7 00000000:0000 0A 00000000:00000001 00:00000000 "
            + "00000000     0        0 1159899 2 0000000003a61c59 100 0 0 10 0                   ";
    private static final String V4_TIME_WAIT = "   1: 0100007F:C3B4 0100007F:93B7 06 00000000:00000000 03:0000055D "
            + "00000000     0        0 0 3 00000000cd70d38d                                      ";
    /** Client [::1]:57262 of uid 65534, connected to [::1]:37929. */
    private static final String V6_CLIENT = "  61: 00000000000000000000000001000000:DFAE 0000000000000000000000000100"
            + "0000:9429 01 00000000:00000000 00:00000000 00000000 65534        0 1159915 2 000000009f25830e 20 0 0 10 -1";
    /** Client ::ffff:127.0.0.1:52664 (an IPv6 socket) of uid 65534, connected to ::ffff:127.0.0.1:57751. */
    private static final String MAPPED_CLIENT = "  52: 0000000000000000FFFF00000100007F:CDB8 0000000000000000FFFF0000"
            + "0100007F:E197 01 00000000:00000000 00:00000000 00000000 65534        0 1159975 2 000000007124a7f2 20 0 0 "
            + "10 -1";
    private static final String MAPPED_SERVER = " 110: 0000000000000000FFFF00000100007F:E197 0000000000000000FFFF0000"
            + "0100007F:CDB8 01 00000000:00000000 00:00000000 00000000     0        0 1159976 1 00000000cb40f78f 20 0 0 "
            + "10 -1";

    @TempDir
    Path dir;

    private static InetSocketAddress at(String host, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Test
    void parsesCapturedIpv4Lines() throws Exception {
        assertThat(ProcNetTcp.parse(V4_CLIENT, ByteOrder.LITTLE_ENDIAN))
                .isEqualTo(new ProcNetTcp.Entry(at("127.0.0.1", 35276), at("127.0.0.1", 37929), 1, 65534));
        assertThat(ProcNetTcp.parse(V4_LISTEN, ByteOrder.LITTLE_ENDIAN))
                .isEqualTo(new ProcNetTcp.Entry(at("127.0.0.1", 40679), at("0.0.0.0", 0), 0x0A, 0));
        assertThat(ProcNetTcp.parse(V4_TIME_WAIT, ByteOrder.LITTLE_ENDIAN).state()).isEqualTo(ProcNetTcp.TIME_WAIT);
        assertThat(ProcNetTcp.parse(HEADER, ByteOrder.LITTLE_ENDIAN)).isNull();
        assertThat(ProcNetTcp.parse("", ByteOrder.LITTLE_ENDIAN)).isNull();
        assertThat(ProcNetTcp.parse("   2: 0100007F:89 0100007F:9429 01 0:0 0:0 0 65534 0 1", ByteOrder.LITTLE_ENDIAN))
                .isNull();
    }

    @Test
    void parsesCapturedIpv6AndMappedLines() throws Exception {
        assertThat(ProcNetTcp.parse(V6_CLIENT, ByteOrder.LITTLE_ENDIAN))
                .isEqualTo(new ProcNetTcp.Entry(at("::1", 57262), at("::1", 37929), 1, 65534));
        ProcNetTcp.Entry mapped = ProcNetTcp.parse(MAPPED_CLIENT, ByteOrder.LITTLE_ENDIAN);
        assertThat(mapped).isEqualTo(new ProcNetTcp.Entry(at("127.0.0.1", 52664), at("127.0.0.1", 57751), 1, 65534));
    }

    @Test
    void aBigEndianHostPrintsWordsAsTheyAre() throws Exception {
        assertThat(ProcNetTcp.parse("   2: 7F000001:89CC 7F000001:9429 01 00000000:00000000 00:00000000 00000000"
                + "  1000        0 1 2 0 20 0 0 10 -1", ByteOrder.BIG_ENDIAN))
                .isEqualTo(new ProcNetTcp.Entry(at("127.0.0.1", 35276), at("127.0.0.1", 37929), 1, 1000));
    }

    @Test
    void findsTheClientEndNotTheServerEndInCapturedTables() throws Exception {
        Files.write(dir.resolve("tcp"), List.of(HEADER, V4_LISTEN, V4_TIME_WAIT, V4_CLIENT, V4_SERVER));
        Files.write(dir.resolve("tcp6"), List.of(HEADER, V6_CLIENT, MAPPED_SERVER, MAPPED_CLIENT));
        ProcNetTcp tables = new ProcNetTcp(dir, ByteOrder.LITTLE_ENDIAN);
        assertThat(tables.ownerOf(at("127.0.0.1", 35276), at("127.0.0.1", 37929))).hasValue(65534);
        assertThat(tables.ownerOf(at("::1", 57262), at("::1", 37929))).hasValue(65534);
        // an IPv4 peer not in tcp: looked up as v4-mapped in tcp6
        assertThat(tables.ownerOf(at("127.0.0.1", 52664), at("127.0.0.1", 57751))).hasValue(65534);
        // the tuple reversed is the server end's own line (uid 0 while queued): the direction matters
        assertThat(tables.ownerOf(at("127.0.0.1", 57751), at("127.0.0.1", 52664))).hasValue(0);
        assertThat(tables.ownerOf(at("127.0.0.1", 35277), at("127.0.0.1", 37929))).isEmpty();
        // a TIME_WAIT line is nobody's socket
        assertThat(tables.ownerOf(at("127.0.0.1", 0xC3B4), at("127.0.0.1", 0x93B7))).isEmpty();

        // all of them at once, in one read of each table: the same answers, in the order asked
        assertThat(tables.ownersOf(List.of(new PeerUids.Query(at("127.0.0.1", 35277), at("127.0.0.1", 37929)),
                new PeerUids.Query(at("::1", 57262), at("::1", 37929)),
                new PeerUids.Query(at("127.0.0.1", 57751), at("127.0.0.1", 52664)),
                new PeerUids.Query(at("127.0.0.1", 0xC3B4), at("127.0.0.1", 0x93B7)),
                new PeerUids.Query(at("127.0.0.1", 52664), at("127.0.0.1", 57751)),
                new PeerUids.Query(at("127.0.0.1", 35276), at("127.0.0.1", 37929)))))
                .containsExactly(OptionalInt.empty(), OptionalInt.of(65534), OptionalInt.of(0), OptionalInt.empty(),
                        OptionalInt.of(65534), OptionalInt.of(65534));
        Files.delete(dir.resolve("tcp6"));
        assertThat(tables.ownerOf(at("::1", 57262), at("::1", 37929))).isEmpty();
    }

    @Test
    void readsTheRealUidFromAStatusFile() throws Exception {
        Path status = Files.write(dir.resolve("status"), List.of("Name:\tjava", "Umask:\t0022",
                "Uid:\t1000\t1001\t1002\t1003", "Gid:\t100\t100\t100\t100"));
        assertThat(ProcNetTcp.selfUid(status)).hasValue(1000);
        assertThat(ProcNetTcp.selfUid(dir.resolve("missing"))).isEmpty();
        assertThat(ProcNetTcp.selfUid(Files.write(dir.resolve("odd"), List.of("Uid: x")))).isEmpty();
    }

    @Test
    void loopbackMeansLoopbackOnly() throws Exception {
        assertThat(ProcNetTcp.loopback(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(ProcNetTcp.loopback(InetAddress.getByName("127.255.0.9"))).isTrue();
        assertThat(ProcNetTcp.loopback(InetAddress.getByName("::1"))).isTrue();
        assertThat(ProcNetTcp.loopback(InetAddress.getByName("::ffff:127.0.0.2"))).isTrue();
        assertThat(ProcNetTcp.loopback(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(ProcNetTcp.loopback(InetAddress.getByName("::2"))).isFalse();
        assertThat(ProcNetTcp.loopback(InetAddress.getByName("::ffff:10.0.0.1"))).isFalse();
    }

    /**
     * This machine's live tables hold the connection this test opens, owned by this process's uid: an IPv4
     * socket (as curl or Node open), an IPv6 one, and an IPv6 socket dialling an IPv4 address (v4-mapped, as
     * Java opens them). Prints what one lookup costs (the kernel walks its whole socket hash per read).
     */
    @Test
    void findsLiveConnectionsOwnedByThisProcess() throws Exception {
        assumeTrue(ProcNetTcp.system().isPresent(), "Linux /proc only");
        ProcNetTcp tables = ProcNetTcp.system().orElseThrow();
        OptionalInt self = ProcNetTcp.selfUid(Path.of("/proc/self/status"));
        assertThat(self).isPresent();
        record Case(StandardProtocolFamily family, String host) {
        }
        for (Case c : List.of(new Case(StandardProtocolFamily.INET, "127.0.0.1"),
                new Case(StandardProtocolFamily.INET6, "::1"), new Case(StandardProtocolFamily.INET6, "127.0.0.1"))) {
            try (ServerSocketChannel server = ServerSocketChannel.open(c.family())
                    .bind(new InetSocketAddress(c.host(), 0));
                    SocketChannel client = SocketChannel.open(c.family());
                    SocketChannel accepted = connect(client, server)) {
                InetSocketAddress remote = (InetSocketAddress) accepted.getRemoteAddress();
                InetSocketAddress local = (InetSocketAddress) accepted.getLocalAddress();
                assertThat(tables.ownerOf(remote, local)).isEqualTo(self);
                for (int i = 0; i < 100; i++) {
                    tables.ownerOf(remote, local); // warm-up
                }
                int n = 500;
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    tables.ownerOf(remote, local);
                }
                System.out.printf("owner lookup, %s client to %s: %d us%n", c.family(), c.host(),
                        (System.nanoTime() - start) / 1000 / n);
            }
        }
    }

    private static SocketChannel connect(SocketChannel client, ServerSocketChannel server) throws IOException {
        client.connect(server.getLocalAddress());
        return server.accept();
    }
}
