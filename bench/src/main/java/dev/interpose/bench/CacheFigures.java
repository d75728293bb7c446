package dev.interpose.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The {@code --cache} figures: a proxy with the response cache on, answering from memory, against direct calls. */
final class CacheFigures {
    private CacheFigures() {
    }

    /**
     * The same runs as the direct ones ({@code directMany} at {@code --connections}, {@code directOne} at
     * concurrency 1 with the Claude Code body), through a proxy with the response cache on: after the first
     * request of each kind, every answer comes from memory. The proxy's own hit count is printed with them.
     */
    static void run(Bench.ProxyStarter starter, Bench.PortWaiter waiter, EventLoopGroup clientLoop,
            Class<? extends Channel> clientType, int upstreamPort, int connections, byte[] smallBody, byte[] claudeBody,
            LoadClient.Result directMany, LoadClient.Result directOne, long warm, long measure) throws Exception {
        Path config = Files.createTempFile("interpose-bench-cache", ".yaml");
        Files.writeString(config, "upstreams:\n  anthropic:\n    cache: true\n");
        Path log = Files.createTempFile("interpose-bench-cached", ".log");
        Process proxy = starter.start(upstreamPort, log, "--config", config.toString());
        try {
            int port = waiter.await(proxy, log);
            LoadClient.run(clientLoop, clientType, port, "/v1/messages", smallBody, "json", connections, warm * 2, warm);
            LoadClient.run(clientLoop, clientType, port, "/v1/messages?beta=true", claudeBody, "sse", 1, 0, warm * 2);
            LoadClient.Result many = LoadClient.run(clientLoop, clientType, port, "/v1/messages", smallBody, "json",
                    connections, warm, measure);
            LoadClient.Result smallDirect = LoadClient.run(clientLoop, clientType, upstreamPort, "/v1/messages",
                    smallBody, "json", 1, warm, measure);
            LoadClient.Result small = LoadClient.run(clientLoop, clientType, port, "/v1/messages", smallBody, "json", 1,
                    warm, measure);
            LoadClient.Result one = LoadClient.run(clientLoop, clientType, port, "/v1/messages?beta=true", claudeBody,
                    "sse", 1, warm, measure);
            System.out.printf(Locale.ROOT, "%ncache hits (proxy with the response cache on; %s)%n", cacheCounts(port));
            System.out.printf(Locale.ROOT, "  %d connections, %d-byte body, JSON answer%n", connections, smallBody.length);
            System.out.printf(Locale.ROOT, "  %-22s %12s %12s %12s%n", "", "direct", "cache hit", "hit/direct");
            System.out.printf(Locale.ROOT, "  %-22s %12.0f %12.0f %12.2f%n", "requests/s", directMany.perSecond(),
                    many.perSecond(), many.perSecond() / directMany.perSecond());
            System.out.printf(Locale.ROOT, "  %-22s %12s %12s %12s%n", "", "direct", "cache hit", "difference");
            Report.row("latency p50", directMany.latency(), many.latency(), 50);
            Report.row("latency p99", directMany.latency(), many.latency(), 99);
            System.out.printf(Locale.ROOT, "  concurrency 1, %d-byte body, JSON answer (%d hits)%n", smallBody.length,
                    small.requests());
            Report.row("latency p50", smallDirect.latency(), small.latency(), 50);
            Report.row("latency p99", smallDirect.latency(), small.latency(), 99);
            System.out.printf(Locale.ROOT, "  concurrency 1, %d-byte Claude Code body, SSE answer (%d hits)%n",
                    claudeBody.length, one.requests());
            Report.row("latency p50", directOne.latency(), one.latency(), 50);
            Report.row("latency p99", directOne.latency(), one.latency(), 99);
            Report.row("first SSE event p50", directOne.firstByte(), one.firstByte(), 50);
        } finally {
            proxy.toHandle().destroy();
            proxy.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The proxy's cache counters, read from its /metrics. */
    private static String cacheCounts(int port) throws Exception {
        String metrics = Report.metrics(port);
        StringBuilder counts = new StringBuilder();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("interpose_cache_requests_total{")) {
                String result = line.substring(line.indexOf("result=\"") + 8, line.indexOf('"', line.indexOf("result=\"") + 8));
                counts.append(counts.length() == 0 ? "" : ", ").append(result).append(' ')
                        .append((long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return counts.toString();
    }
}
