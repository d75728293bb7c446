package dev.interpose.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.config.ConfigLoader;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.Overrides;
import dev.interpose.proxy.ScriptedUpstream;
import dev.interpose.proxy.client.PeerUids;
import dev.interpose.proxy.client.ProcNetTcp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The loopback listener serves only its own user: over real sockets, with the system's lookup (this user is
 * served; a client run as another OS user through {@code setpriv} gets a 403), and with a substituted lookup
 * (another uid, no owner found, a failing lookup: each a 403 in the client's dialect, nothing reaching the
 * upstream, one WARN line); {@code listener.allow-other-users} and a system without /proc serve everyone.
 */
@Timeout(60)
class PeerUserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "sk-ant-peer-secret-123";
    private static final String MESSAGE = "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"the-body-text\"}]}";
    private static final int SELF = ProcNetTcp.selfUid(Path.of("/proc/self/status")).orElse(-1);

    @TempDir
    Path dir;
    private final List<String> received = new CopyOnWriteArrayList<>();
    /** Whether the test had released the owner lookup when each request reached the upstream. */
    private final List<Boolean> receivedAfterRelease = new CopyOnWriteArrayList<>();
    private volatile boolean released;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private ScriptedUpstream upstream;
    private final List<InterposeServer> servers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        upstream = new ScriptedUpstream((connection, index) -> {
            String head;
            while ((head = connection.readRequest()) != null) {
                received.add(head);
                receivedAfterRelease.add(released);
                String body = "{\"served\":true}";
                connection.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                        + body.length() + "\r\n\r\n" + body);
            }
        });
        log.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        for (InterposeServer server : servers) {
            server.stop(Duration.ofSeconds(1));
        }
        upstream.close();
    }

    /** A proxy on {@code host} with these listener lines in its config file, finding owners with {@code owners}. */
    private int proxy(String host, PeerUids owners, String... listener) throws Exception {
        List<String> lines = new ArrayList<>(listener.length == 0 ? List.of() : List.of("listener:"));
        for (String line : listener) {
            lines.add("  " + line);
        }
        Path file = Files.write(dir.resolve("config-" + servers.size() + ".yaml"), lines);
        InterposeConfig config = ConfigLoader.load(Map.of(), new Overrides(Optional.of(host), Optional.of(0),
                Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), Optional.empty(),
                Optional.of("2s"), Optional.empty(), Optional.empty(), Optional.of("5s"), Optional.empty()),
                List.of(file));
        InterposeServer server = new InterposeServer(config, List.of(), dir, new PrometheusMeterRegistry(
                PrometheusConfig.DEFAULT), owners);
        servers.add(server);
        return server.start().getPort();
    }

    private static String request(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                + "x-api-key: " + SECRET + "\r\nconnection: close\r\ncontent-length: " + body.length() + "\r\n\r\n"
                + body;
    }

    /** Sends {@code text} and reads until the proxy closes: the whole answer. */
    private static String exchange(String host, int port, String text) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    private static JsonNode body(String answer) throws IOException {
        return JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }

    private List<String> warnings() {
        synchronized (log) {
            return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    @Test
    void theProxysOwnUserIsServedWithTheSystemLookup() throws Exception {
        assumeTrue(ProcNetTcp.system().isPresent(), "Linux /proc only");
        int port = proxy("127.0.0.1", ProcNetTcp.system().orElseThrow());
        String answer = exchange("127.0.0.1", port, request("/v1/messages", MESSAGE));
        assertThat(status(answer)).isEqualTo(200);
        assertThat(body(answer).path("served").asBoolean()).isTrue();
        assertThat(received).hasSize(1);
        assertThat(warnings()).noneMatch(w -> w.contains("refusing"));
    }

    @Test
    void anotherUidIsRefusedInEachClientsDialect() throws Exception {
        int port = proxy("127.0.0.1", (client, listener) -> OptionalInt.of(SELF + 4242));
        String anthropic = exchange("127.0.0.1", port, request("/v1/messages", MESSAGE));
        assertThat(status(anthropic)).isEqualTo(403);
        JsonNode error = body(anthropic);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("permission_error");
        assertThat(error.path("error").path("message").asText()).isEqualTo("this proxy serves only its own user (uid "
                + SELF + "); connections from uid " + (SELF + 4242) + " are refused (listener.allow-other-users)");

        String openai = exchange("127.0.0.1", port, request("/v1/chat/completions",
                "{\"model\":\"gpt-x\",\"messages\":[{\"role\":\"user\",\"content\":\"the-body-text\"}]}"));
        assertThat(status(openai)).isEqualTo(403);
        assertThat(body(openai).path("error").path("message").asText())
                .contains("connections from uid " + (SELF + 4242) + " are refused");
        assertThat(body(openai).has("type")).isFalse(); // OpenAI's shape: only {"error": {...}}

        // a slash command, /health and the agents API are refused alike
        String health = exchange("127.0.0.1", port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(status(health)).isEqualTo(403);
        assertThat(received).isEmpty();
        List<String> refused = warnings().stream().filter(w -> w.contains("refusing local client")).toList();
        assertThat(refused).hasSize(3).allSatisfy(w -> assertThat(w)
                .contains("of uid " + (SELF + 4242)).contains("serves only uid " + SELF)
                .doesNotContain(SECRET).doesNotContain("the-body-text").doesNotContain("/v1/"));
    }

    @Test
    void anOwnerNotFoundOrALookupFailureIsRefused() throws Exception {
        int notFound = proxy("127.0.0.1", (client, listener) -> OptionalInt.empty());
        int failing = proxy("127.0.0.1", (client, listener) -> {
            throw new IOException("/proc/net/tcp: permission denied");
        });
        String gone = exchange("127.0.0.1", notFound, request("/v1/messages", MESSAGE));
        assertThat(status(gone)).isEqualTo(403);
        assertThat(body(gone).path("error").path("message").asText()).contains("whose owner was not found");
        String failed = exchange("127.0.0.1", failing, request("/v1/messages", MESSAGE));
        assertThat(status(failed)).isEqualTo(403);
        assertThat(body(failed).path("error").path("message").asText()).contains("could not be looked up");
        assertThat(received).isEmpty();
        assertThat(warnings()).anyMatch(w -> w.contains("no socket of it was found"))
                .anyMatch(w -> w.contains("(java.io.IOException: /proc/net/tcp: permission denied)"));
    }

    @Test
    void allowOtherUsersAndASystemWithoutProcServeEveryone() throws Exception {
        int allowed = proxy("127.0.0.1", (client, listener) -> OptionalInt.of(SELF + 1), "allow-other-users: true");
        assertThat(status(exchange("127.0.0.1", allowed, request("/v1/messages", MESSAGE)))).isEqualTo(200);
        assertThat(warnings()).anyMatch(w -> w.startsWith("listener.allow-other-users: true"));
        int noProc = proxy("127.0.0.1", null);
        assertThat(status(exchange("127.0.0.1", noProc, request("/v1/messages", MESSAGE)))).isEqualTo(200);
        assertThat(warnings()).anyMatch(w -> w.startsWith("cannot tell which user of this machine owns a connection"));
        assertThat(received).hasSize(2);
    }

    @Test
    void theLookupIsCalledWithTheClientsEndThenTheListenersOff() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        int port = proxy("127.0.0.1", (client, listener) -> {
            asked.add(client + " -> " + listener);
            threads.add(Thread.currentThread().getName());
            return OptionalInt.of(SELF);
        });
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request("/v1/messages", MESSAGE).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(status(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)))
                    .isEqualTo(200);
            InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
            assertThat(asked).containsExactly("/127.0.0.1:" + local.getPort() + " -> /127.0.0.1:" + port);
        }
        assertThat(threads).allMatch(t -> t.startsWith("interpose-peer-"));
    }

    /** Nothing of a connection is read, let alone forwarded, before its owner is known. */
    @Test
    void aConnectionIsHeldUnreadUntilItsOwnerIsKnown() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        int port = proxy("127.0.0.1", (client, listener) -> {
            asked.countDown();
            try {
                answer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return OptionalInt.of(SELF);
        });
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request("/v1/messages", MESSAGE).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
            socket.setSoTimeout(300);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(received).isEmpty();
            released = true;
            answer.countDown();
            socket.setSoTimeout(10_000);
            assertThat(status(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)))
                    .isEqualTo(200);
        }
        assertThat(received).hasSize(1);
        // However slow the machine, the request reached the upstream only after the lookup was let go.
        assertThat(receivedAfterRelease).containsExactly(true);
    }

    /**
     * A client really run as another OS user (nobody, through {@code setpriv}; bash's {@code /dev/tcp}), over
     * IPv4, IPv6 and IPv4-mapped IPv6 on a dual-stack listener: refused with a 403, the upstream untouched;
     * the same client run as this user is served.
     */
    @ParameterizedTest
    @CsvSource({"127.0.0.1, 127.0.0.1", "::1, ::1", "::, 127.0.0.1", "::, ::ffff:127.0.0.1", "::, ::1"})
    void aClientOfAnotherOsUserIsRefused(String bind, String connect) throws Exception {
        assumeTrue(ProcNetTcp.system().isPresent() && SELF == 0, "needs Linux and root to run a client as nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/bin/bash")),
                "needs setpriv and bash");
        int port = proxy(bind, ProcNetTcp.system().orElseThrow());
        String request = request("/v1/messages", MESSAGE);

        String asNobody = run(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                connect, port, request);
        assertThat(asNobody).startsWith("HTTP/1.1 403 ");
        assertThat(body(asNobody).path("error").path("message").asText()).isEqualTo("this proxy serves only its own"
                + " user (uid 0); connections from uid 65534 are refused (listener.allow-other-users)");
        assertThat(received).isEmpty();
        assertThat(warnings()).anyMatch(w -> w.contains("of uid 65534: this proxy serves only uid 0"));

        String asSelf = run(List.of(), connect, port, request);
        assertThat(asSelf).startsWith("HTTP/1.1 200 ");
        assertThat(received).hasSize(1);
    }

    /**
     * Bound beyond loopback, a client at one of this machine's own addresses is a local user like any other;
     * one not in this machine's tables is another machine's, left to {@code listener.allowed-hosts}.
     */
    @Test
    void aClientAtThisMachinesOwnAddressIsCheckedAndAnotherMachinesIsNot() throws Exception {
        String own = ownAddress();
        assumeTrue(own != null, "needs a non-loopback IPv4 address");
        int otherMachine = proxy("0.0.0.0", (client, listener) -> OptionalInt.empty());
        assertThat(status(exchange(own, otherMachine, request("/v1/messages", MESSAGE)))).isEqualTo(200);
        int otherUser = proxy("0.0.0.0", (client, listener) -> OptionalInt.of(SELF + 7));
        assertThat(status(exchange(own, otherUser, request("/v1/messages", MESSAGE)))).isEqualTo(403);
        assertThat(received).hasSize(1);

        assumeTrue(ProcNetTcp.system().isPresent() && SELF == 0 && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs Linux, root and setpriv to run a client as nobody");
        int real = proxy("0.0.0.0", ProcNetTcp.system().orElseThrow());
        String asNobody = run(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), own,
                real, request("/v1/messages", MESSAGE));
        assertThat(asNobody).startsWith("HTTP/1.1 403 ");
        assertThat(run(List.of(), own, real, request("/v1/messages", MESSAGE))).startsWith("HTTP/1.1 200 ");
        assertThat(received).hasSize(2);
    }

    /** An IPv4 address of an interface of this machine other than loopback, or null. */
    private static String ownAddress() throws IOException {
        for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address.getHostAddress();
                    }
                }
            }
        }
        return null;
    }

    /** Runs bash's {@code /dev/tcp} client under {@code prefix}: sends {@code request}, returns the whole answer. */
    private static String run(List<String> prefix, String host, int port, String request) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("/bin/bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port
                + " && printf '%s' \"$REQUEST\" >&3 && cat <&3"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("REQUEST", request);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
