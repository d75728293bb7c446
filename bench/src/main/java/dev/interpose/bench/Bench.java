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
 * The benchmark: the same load sent straight to a fast local fake upstream, through nginx as a reverse proxy
 * and through the packaged proxy (a separate {@code java -jar} process, access log on), in one run, printed
 * side by side: the first seconds of a fresh process ({@link ColdStart}), the warm figures, allocation and
 * paced streams ({@link Versus}), and the goals ({@link Goals}). Not a test: figures depend on the machine;
 * docs/benchmark.md records them with the machine.
 */
@Command(name = "interpose-bench", mixinStandardHelpOptions = true,
        description = "Direct, nginx and proxied: start-up, first requests, requests/s, added latency, paced "
                + "streams, allocation per request, and the performance goals met or not.")
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

    @Option(names = "--proxy-arg", description = "An extra argument for the main proxy (repeatable), for example "
            + "--proxy-arg=--config --proxy-arg=my.yaml.")
    java.util.List<String> proxyArgs = new java.util.ArrayList<>();

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

    @Option(names = "--no-cds", description = "Start the proxy without the class-data archive the build made beside the "
            + "jar (proxy/target/interpose.jsa), which the launcher proxy/target/interpose uses.")
    boolean noCds;

    @Option(names = "--no-nginx", description = "Leave nginx out of the run.")
    boolean noNginx;

    @Option(names = "--no-nginx-install", description = "Do not install Debian's nginx-light with apt-get when nginx "
            + "is missing (it is installed when the benchmark runs as root or may use sudo -n).")
    boolean noNginxInstall;

    @Option(names = "--streams", split = ",", description = "Counts of concurrent paced streams; a count is skipped "
            + "when the open-file limit is too low for it (default: ${DEFAULT-VALUE}).")
    java.util.List<Integer> streams = new java.util.ArrayList<>(java.util.List.of(200, 1000, 5000));

    @Option(names = "--stream-deltas", description = "Deltas per paced stream (default: ${DEFAULT-VALUE}).")
    int streamDeltas = 20;

    @Option(names = "--stream-pace-ms", description = "Milliseconds between deltas (default: ${DEFAULT-VALUE}).")
    int streamPaceMs = 50;

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
        Report.printMachine();
        System.out.println(classDataArchive() != null
                ? "proxy started as the launcher starts it: with the build's class-data archive (--no-cds: without)"
                : "proxy started without a class-data archive");
        System.out.printf(Locale.ROOT, "load average at the start: %s%n", Report.load());
        java.util.Optional<Path> nginxBinary = noNginx ? java.util.Optional.empty() : Nginx.find(!noNginxInstall);
        long warm = warmupSeconds * 1000L;
        long measure = seconds * 1000L;
        // This JVM's client warm on the direct path first, so the cold figures are the proxy's, not the client's.
        LoadClient.run(clientLoop, clientType, upstream.port(), "/v1/messages", smallBody, "json", connections, 0, warm);
        LoadClient.Result directCold = LoadClient.run(clientLoop, clientType, upstream.port(), ColdStart.CLAUDE_PATH,
                claudeBody, "sse", 1, warm, warm);
        long[] directFirst = LoadClient.first(clientLoop, clientType, upstream.port(), ColdStart.CLAUDE_PATH, claudeBody,
                "sse", ColdStart.FIRST);
        Nginx nginx = null;
        ColdStart.Figures nginxCold = null;
        if (nginxBinary.isPresent()) {
            try {
                nginx = Nginx.start(nginxBinary.get(), upstream.port());
            } catch (IllegalStateException | java.io.IOException e) {
                System.out.println("nginx: " + e.getMessage() + "; its column is left empty");
            }
        } else if (noNginx) {
            System.out.println("nginx: left out (--no-nginx); its column is left empty");
        }
        if (nginx != null) {
            nginxCold = ColdStart.measure(clientLoop, clientType, nginx.port(), System.nanoTime() - nginx.startupNanos(),
                    nginx.startupNanos(), claudeBody, smallBody, connections);
        }
        Path log = Files.createTempFile("interpose-bench-proxy", ".log");
        long started = System.nanoTime();
        Process proxy = startProxy(upstream.port(), log, proxyArgs.toArray(String[]::new));
        try {
            int proxyPort = awaitPort(proxy, log);
            ColdStart.Figures proxyCold = ColdStart.measure(clientLoop, clientType, proxyPort, started,
                    System.nanoTime() - started, claudeBody, smallBody, connections);
            ColdStart.print(directFirst, directCold, nginxCold, proxyCold, connections, claudeBody.length);
            Goals goals = new Goals(nginx != null);
            ColdStart.goals(goals, directFirst, nginxCold, proxyCold, connections);
            Versus versus = new Versus(clientLoop, clientType, upstream.port(), nginx, proxyPort, proxy.pid(), goals);
            Versus.Warm w = versus.warm(smallBody, claudeBody, connections, warm, measure);
            LoadClient.Result dn = w.direct();
            LoadClient.Result d1 = w.direct1();
            LoadClient.Result p1 = w.proxied1();
            if (relayPort != null) {
                LoadClient.Result r1 = LoadClient.run(clientLoop, clientType, relayPort, ColdStart.CLAUDE_PATH,
                        claudeBody, "sse", 1, warm, measure);
                System.out.printf(Locale.ROOT, "%nthe same through a plain TCP relay on port %d (no HTTP, no logging)%n",
                        relayPort);
                System.out.printf(Locale.ROOT, "  %-22s %12s %12s %12s%n", "", "direct", "relayed", "added");
                Report.row("latency p50", d1.latency(), r1.latency(), 50);
                Report.row("first SSE event p50", d1.firstByte(), r1.firstByte(), 50);
            }
            versus.allocation(smallBody, claudeBody, connections, Math.min(measure, 5000));
            versus.streams(streams, streamDeltas, streamPaceMs);
            goals.print();
            System.out.printf(Locale.ROOT, "load average at the end: %s%n", Report.load());

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
            if (nginx != null) {
                nginx.close();
            }
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

    /** The class-data archive the build made beside the jar, when the proxy is to start with it; else null. */
    private Path classDataArchive() {
        Path archive = proxyJar.resolveSibling("interpose.jsa");
        return !noCds && java.nio.file.Files.exists(archive) ? archive : null;
    }

    private Process startProxy(int upstreamPort, Path log, String... extra) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(javaBin));
        Path archive = classDataArchive();
        if (archive != null) { // as the launcher starts it
            command.addAll(java.util.List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off"));
        }
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
