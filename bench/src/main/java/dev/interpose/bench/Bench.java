package dev.interpose.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark: the same load sent straight to a fast local fake upstream and through the packaged proxy
 * (a separate {@code java -jar} process, access log on), in one run, printed side by side with the
 * difference. Not a test: figures depend on the machine; docs/benchmark.md records them with the machine.
 */
@Command(name = "interpose-bench", mixinStandardHelpOptions = true,
        description = "Direct versus proxied: added latency, requests/s, added time to first SSE event.")
public final class Bench implements Callable<Integer> {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @Option(names = "--proxy-jar", description = "The packaged proxy (default: ${DEFAULT-VALUE}).")
    Path proxyJar = Path.of("proxy/target/interpose.jar");

    @Option(names = "--fixtures", description = "Fixture folder (default: ${DEFAULT-VALUE}).")
    Path fixtures = Path.of("proxy/src/test/resources/fixtures");

    @Option(names = "--warmup", description = "Warm-up seconds per run; the initial warm-up takes eight times this "
            + "(default: ${DEFAULT-VALUE}).")
    int warmupSeconds = 5;

    @Option(names = "--seconds", description = "Measured seconds per run (default: ${DEFAULT-VALUE}).")
    int seconds = 10;

    @Option(names = "--proxy-jvm-arg", description = "An extra JVM option for the proxy process (repeatable).")
    java.util.List<String> proxyJvmArgs = new java.util.ArrayList<>();

    @Option(names = "--fake-port", description = "Port of the fake upstream (default: a free one).")
    int fakePort;

    @Option(names = "--relay-port", description = "Also measure the concurrency-1 run through a plain TCP relay "
            + "listening here (for example socat) that forwards to --fake-port: the floor any proxy process pays.")
    Integer relayPort;

    @Option(names = "--connections", description = "Connections for the throughput run (default: ${DEFAULT-VALUE}).")
    int connections = 64;

    @Option(names = "--agents", description = "Also measure subagents: coordination overhead and parallel efficiency "
            + "of 1 to 8 agents whose upstream answers after 500 ms, and heap per in-flight agent with 64 of them.")
    boolean agents;

    @Option(names = "--hooks", description = "Also measure what a hook costs: the concurrency-1 run through proxies "
            + "with no hook, an in-process Java PreRequest hook, and a script PreRequest hook.")
    boolean hooks;

    @Option(names = "--cache", description = "Also measure cache hits: a proxy with the response cache on answers "
            + "the same requests from memory, at concurrency 1 and at --connections, against the direct calls.")
    boolean cache;

    @Option(names = "--translate", description = "Also measure what translation adds: the concurrency-1 Claude Code "
            + "request (and a small one) untranslated and translated to an OpenAI Chat upstream, JSON and streams of 10 "
            + "and 200 deltas, through one more proxy; per request and per streamed event.")
    boolean translate;

    @Option(names = "--soak-minutes", description = "Run only the soak: this many minutes at a steady rate through a "
            + "script hook, the cache and streams, sampling the proxy's RSS, threads and file descriptors.")
    Integer soakMinutes;

    @Option(names = "--soak-rate", description = "Soak ticks per second (default: ${DEFAULT-VALUE}).")
    int soakRate = 20;

    @Option(names = "--soak-sample", description = "Seconds between soak samples (default: ${DEFAULT-VALUE}).")
    int soakSample = 60;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        byte[] claudeBody = Files.readAllBytes(fixtures.resolve("anthropic-messages-claude-code.json"));
        byte[] sse = Files.readAllBytes(fixtures.resolve("sample-anthropic-sse.txt"));
        byte[] smallBody = "{\"model\":\"claude-bench\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup upstreamLoop = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        EventLoopGroup clientLoop = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends Channel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        FakeUpstream upstream = new FakeUpstream(upstreamLoop, serverType, sse, fakePort);
        if (soakMinutes != null) {
            try {
                Report.printMachine();
                return Soak.run(this::startProxy, Bench::awaitPort, upstream.port(), soakMinutes, soakRate, soakSample);
            } finally {
                upstream.close();
                clientLoop.shutdownGracefully();
                upstreamLoop.shutdownGracefully();
            }
        }
        Path log = Files.createTempFile("interpose-bench-proxy", ".log");
        Process proxy = startProxy(upstream.port(), log);
        try {
            int proxyPort = awaitPort(proxy, log);
            Report.printMachine();
            long warm = warmupSeconds * 1000L;
            long measure = seconds * 1000L;

            // Warm both JVMs' compilers on both paths (unmeasured), so no run below measures a cold JIT.
            System.out.printf(Locale.ROOT, "warming up for %d s...%n", 8 * warmupSeconds);
            for (int port : new int[] {upstream.port(), proxyPort}) {
                LoadClient.run(clientLoop, clientType, port, "/v1/messages", smallBody, "json", connections,
                        warm * 2, warm);
                LoadClient.run(clientLoop, clientType, port, "/v1/messages?beta=true", claudeBody, "sse", 1, 0, warm);
            }
            LoadClient.Result dn = LoadClient.run(clientLoop, clientType, upstream.port(), "/v1/messages", smallBody,
                    "json", connections, warm, measure);
            LoadClient.Result pn = LoadClient.run(clientLoop, clientType, proxyPort, "/v1/messages", smallBody,
                    "json", connections, warm, measure);
            System.out.printf(Locale.ROOT, "%n%d connections, %d-byte body, JSON answer%n", connections, smallBody.length);
            System.out.printf(Locale.ROOT, "  %-22s %12s %12s %12s%n", "", "direct", "proxied", "proxied/direct");
            System.out.printf(Locale.ROOT, "  %-22s %12.0f %12.0f %12.2f%n", "requests/s", dn.perSecond(), pn.perSecond(),
                    pn.perSecond() / dn.perSecond());
            Report.header();
            Report.row("latency p50", dn.latency(), pn.latency(), 50);
            Report.row("latency p99", dn.latency(), pn.latency(), 99);
            LoadClient.Result d1 = LoadClient.run(clientLoop, clientType, upstream.port(), "/v1/messages?beta=true",
                    claudeBody, "sse", 1, warm, measure);
            LoadClient.Result p1 = LoadClient.run(clientLoop, clientType, proxyPort, "/v1/messages?beta=true",
                    claudeBody, "sse", 1, warm, measure);
            System.out.printf(Locale.ROOT, "%nconcurrency 1, %d-byte Claude Code body, SSE answer (%d requests direct, %d proxied)%n",
                    claudeBody.length, d1.requests(), p1.requests());
            Report.header();
            Report.row("latency p50", d1.latency(), p1.latency(), 50);
            Report.row("latency p99", d1.latency(), p1.latency(), 99);
            Report.row("first SSE event p50", d1.firstByte(), p1.firstByte(), 50);
            Report.row("first SSE event p99", d1.firstByte(), p1.firstByte(), 99);
            if (relayPort != null) {
                LoadClient.Result r1 = LoadClient.run(clientLoop, clientType, relayPort, "/v1/messages?beta=true",
                        claudeBody, "sse", 1, warm, measure);
                System.out.printf(Locale.ROOT, "%nthe same through a plain TCP relay on port %d (no HTTP, no logging)%n",
                        relayPort);
                System.out.printf(Locale.ROOT, "  %-22s %12s %12s %12s%n", "", "direct", "relayed", "added");
                Report.row("latency p50", d1.latency(), r1.latency(), 50);
                Report.row("first SSE event p50", d1.firstByte(), r1.firstByte(), 50);
            }

            if (hooks) {
                HookFigures.run(this::startProxy, Bench::awaitPort, clientLoop, clientType, upstream.port(), claudeBody,
                        p1, warm, measure);
            }
            if (cache) {
                CacheFigures.run(this::startProxy, Bench::awaitPort, clientLoop, clientType, upstream.port(),
                        connections, smallBody, claudeBody, dn, d1, warm, measure);
            }
            if (translate) {
                TranslateFigures.run(this::startProxy, Bench::awaitPort, clientLoop, clientType, upstream.port(),
                        smallBody, claudeBody, warm, measure);
            }
            if (agents) {
                AgentFigures.run(this::startProxy, Bench::awaitPort, upstream);
            }
            System.out.printf(Locale.ROOT, "%nproxy access log: %s (%d lines)%n", log, Files.lines(log).count());
            return 0;
        } finally {
            proxy.toHandle().destroy();
            proxy.waitFor(30, TimeUnit.SECONDS);
            upstream.close();
            clientLoop.shutdownGracefully();
            upstreamLoop.shutdownGracefully();
        }
    }

    /** Starts the packaged proxy in front of the fake upstream; the caller stops it. */
    interface ProxyStarter {
        Process start(int upstreamPort, Path log, String... extra) throws Exception;
    }

    /** Waits for a started proxy's port. */
    interface PortWaiter {
        int await(Process proxy, Path log) throws Exception;
    }

    private Process startProxy(int upstreamPort, Path log, String... extra) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(javaBin));
        command.addAll(proxyJvmArgs);
        command.addAll(java.util.List.of("-jar", proxyJar.toString(), "--port", "0",
                "--upstream", "anthropic=http://127.0.0.1:" + upstreamPort));
        command.addAll(java.util.List.of(extra));
        return new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    }

    private static int awaitPort(Process proxy, Path log) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
        String line;
        Matcher m = null;
        while ((line = out.readLine()) != null) {
            m = LISTENING.matcher(line);
            if (m.find()) {
                break;
            }
        }
        if (line == null) {
            throw new IllegalStateException("proxy did not start");
        }
        Thread drain = new Thread(() -> {
            try (java.io.Writer file = Files.newBufferedWriter(log)) {
                out.transferTo(file);
            } catch (java.io.IOException e) {
                // proxy stopped
            }
        });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
    }
}
