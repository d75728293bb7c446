package dev.interpose.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The warm comparison of the three paths a request can take to the fake upstream: direct, through nginx (when
 * there is one) and through the proxy. The paced streams at each count, and the proxy's allocation per request.
 * Each figure goes to {@link Goals} as well.
 */
final class Versus {
    private final EventLoopGroup loop;
    private final Class<? extends Channel> type;
    private final int directPort;
    private final Nginx nginx;
    private final int proxyPort;
    private final long proxyPid;
    private final Goals goals;

    Versus(EventLoopGroup loop, Class<? extends Channel> type, int directPort, Nginx nginx, int proxyPort,
            long proxyPid, Goals goals) {
        this.loop = loop;
        this.type = type;
        this.directPort = directPort;
        this.nginx = nginx;
        this.proxyPort = proxyPort;
        this.proxyPid = proxyPid;
        this.goals = goals;
    }

    /** The warm figures the later sections compare with: direct at the throughput run, direct and proxied at c1. */
    record Warm(LoadClient.Result direct, LoadClient.Result direct1, LoadClient.Result proxied1) {
    }

    /** After a warm-up of each path, the throughput run and the concurrency-1 run on each, side by side. */
    Warm warm(byte[] smallBody, byte[] claudeBody, int connections, long warm, long measure) throws Exception {
        // Warm both JVMs' compilers on every path (unmeasured), so no run below measures a cold JIT.
        List<Integer> ports = new java.util.ArrayList<>(List.of(proxyPort));
        if (nginx != null) {
            ports.add(0, nginx.port());
        }
        System.out.printf(Locale.ROOT, "%nwarming up for %d s...%n", ports.size() * 4 * warm / 1000);
        for (int port : ports) {
            LoadClient.run(loop, type, port, "/v1/messages", smallBody, "json", connections, warm * 2, warm);
            LoadClient.run(loop, type, port, ColdStart.CLAUDE_PATH, claudeBody, "sse", 1, 0, warm);
        }
        LoadClient.Result dn = LoadClient.run(loop, type, directPort, "/v1/messages", smallBody,
                "json", connections, warm, measure);
        LoadClient.Result nn = nginx == null ? null : LoadClient.run(loop, type, nginx.port(),
                "/v1/messages", smallBody, "json", connections, warm, measure);
        LoadClient.Result pn = LoadClient.run(loop, type, proxyPort, "/v1/messages", smallBody,
                "json", connections, warm, measure);
        System.out.printf(Locale.ROOT, "%nwarm: %d connections, %d-byte body, JSON answer%n", connections,
                smallBody.length);
        Report.header("direct", "nginx", "proxied", "proxied/nginx");
        System.out.printf(Locale.ROOT, "  %-26s %12.0f %12s %12.0f %13s%n", "requests/s", dn.perSecond(),
                nn == null ? "—" : String.format(Locale.ROOT, "%.0f", nn.perSecond()), pn.perSecond(),
                nn == null ? "" : String.format(Locale.ROOT, "%.2f", pn.perSecond() / nn.perSecond()));
        Report.header("direct", "nginx", "proxied", "proxied-nginx");
        Report.row("latency p50", dn.latency(), nn == null ? null : nn.latency(), pn.latency(), 50);
        Report.row("latency p99", dn.latency(), nn == null ? null : nn.latency(), pn.latency(), 99);
        LoadClient.Result d1 = LoadClient.run(loop, type, directPort, ColdStart.CLAUDE_PATH,
                claudeBody, "sse", 1, warm, measure);
        LoadClient.Result n1 = nginx == null ? null : LoadClient.run(loop, type, nginx.port(),
                ColdStart.CLAUDE_PATH, claudeBody, "sse", 1, warm, measure);
        LoadClient.Result p1 = LoadClient.run(loop, type, proxyPort, ColdStart.CLAUDE_PATH,
                claudeBody, "sse", 1, warm, measure);
        System.out.printf(Locale.ROOT, "%nwarm: concurrency 1, %d-byte Claude Code body, SSE answer (%d requests "
                + "direct, %s nginx, %d proxied)%n", claudeBody.length, d1.requests(),
                n1 == null ? "—" : Long.toString(n1.requests()), p1.requests());
        Report.header("direct", "nginx", "proxied", "proxied-nginx");
        Report.row("latency p50", d1.latency(), n1 == null ? null : n1.latency(), p1.latency(), 50);
        Report.row("latency p99", d1.latency(), n1 == null ? null : n1.latency(), p1.latency(), 99);
        Report.row("first SSE event p50", d1.firstByte(), n1 == null ? null : n1.firstByte(), p1.firstByte(), 50);
        Report.row("first SSE event p99", d1.firstByte(), n1 == null ? null : n1.firstByte(), p1.firstByte(), 99);
        goals.ratio("warm (for the record): req/s at " + connections + " connections, 0.9x",
                pn.perSecond(), nn == null ? 0 : nn.perSecond(), "", 0.9, true);
        goals.difference("warm: added p50, c1, 47 KB, within 20 µs of nginx", p1.latency().getValueAtPercentile(50)
                / 1000.0, n1 == null ? 0 : n1.latency().getValueAtPercentile(50) / 1000.0, " µs", 20);
        return new Warm(dn, d1, p1);
    }

    /** Streams of {@code deltas} deltas {@code paceMs} apart, {@code counts} at once, on each path in turn. */
    void streams(List<Integer> counts, int deltas, int paceMs) throws Exception {
        System.out.printf(Locale.ROOT, "%npaced SSE streams: %d deltas %d ms apart from the fake, all streams opened at "
                + "once, one connection each (time to first delta from sending the request; RSS peak of the process "
                + "in between, nginx master and worker)%n", deltas, paceMs);
        System.out.printf(Locale.ROOT, "  %-8s %-8s %9s %13s %13s %11s %11s %10s %8s%n", "streams", "path", "complete",
                "1st delta p50", "1st delta p99", "gap p50", "gap p99", "RSS", "wall");
        long limit = openFileLimit();
        for (int count : counts) {
            if (2L * count + 500 > limit) {
                System.out.printf(Locale.ROOT, "  %-8d skipped: %d streams need about %d open files here and in the "
                        + "proxy, the limit is %d (raise it with ulimit -n)%n", count, count, 2 * count + 500, limit);
                continue;
            }
            long timeout = (long) deltas * paceMs + 60_000;
            PacedStreams.Result d = row(count, "direct", directPort, List.of(), deltas, paceMs, timeout);
            PacedStreams.Result n = nginx == null ? null : row(count, "nginx", nginx.port(), nginx.pids(), deltas, paceMs,
                    timeout);
            PacedStreams.Result p = row(count, "proxied", proxyPort, List.of(proxyPid), deltas, paceMs, timeout);
            streamGoals(count, d, n, p);
        }
    }

    private void streamGoals(int count, PacedStreams.Result d, PacedStreams.Result n, PacedStreams.Result p) {
        double nf50 = n == null ? 0 : n.firstMs(50);
        double nf99 = n == null ? 0 : n.firstMs(99);
        if (count <= 200) {
            goals.difference(count + " streams: first delta p50, within 5 ms of nginx", p.firstMs(50), nf50, " ms", 5);
            // Either way: a gap of 0 is two deltas in one read, one of them late.
            goals.near(count + " streams: gap p50, within 1 ms of nginx", p.gapMs(50),
                    n == null ? 0 : n.gapMs(50), " ms", 1);
            goals.near(count + " streams: gap p99, within 1 ms of nginx", p.gapMs(99),
                    n == null ? 0 : n.gapMs(99), " ms", 1);
        } else if (count <= 1000) {
            goals.ratio(count + " streams: first delta p50, at most 1.5x nginx", p.firstMs(50), nf50, " ms", 1.5, false);
            goals.ratio(count + " streams: first delta p99, at most 1.5x nginx", p.firstMs(99), nf99, " ms", 1.5, false);
        } else {
            goals.figure(count + " streams: all complete, RSS at most 512 MB", String.format(Locale.ROOT,
                    "%d/%d, %d MB", p.completed(), p.streams(), p.peakRssKiB() / 1024),
                    p.completed() == p.streams() && p.peakRssKiB() <= 512 * 1024);
        }
    }

    private PacedStreams.Result row(int count, String path, int port, List<Long> pids, int deltas, int paceMs,
            long timeout) throws Exception {
        PacedStreams.Result r = PacedStreams.run(loop, type, port, count, deltas, paceMs, pids, timeout);
        System.out.printf(Locale.ROOT, "  %-8d %-8s %9s %10.1f ms %10.1f ms %8.1f ms %8.1f ms %10s %6.1f s %s%n", count,
                path, r.completed() + "/" + r.streams(), r.firstMs(50), r.firstMs(99), r.gapMs(50), r.gapMs(99),
                pids.isEmpty() ? "—" : r.peakRssKiB() / 1024 + " MB", r.seconds(), r.failures());
        Thread.sleep(1000);
        return r;
    }

    /** The proxy's allocations per request, at {@code connections} with the small body and at concurrency 1. */
    void allocation(byte[] smallBody, byte[] claudeBody, int connections, long measureMillis) throws Exception {
        System.out.printf(Locale.ROOT, "%nallocation in the proxy per request (JFR jdk.ThreadAllocationStatistics, "
                + "all its threads; the three that allocate most)%n");
        Allocation.Figure small = Allocation.measure(proxyPid, () -> LoadClient.run(loop, type, proxyPort,
                "/v1/messages", smallBody, "json", connections, 0, measureMillis).requests());
        print(connections + " connections, " + smallBody.length + "-byte body, JSON", small);
        Allocation.Figure claude = Allocation.measure(proxyPid, () -> LoadClient.run(loop, type, proxyPort,
                ColdStart.CLAUDE_PATH, claudeBody, "sse", 1, 0, measureMillis).requests());
        print("concurrency 1, " + claudeBody.length + "-byte body, SSE", claude);
    }

    private static void print(String what, Allocation.Figure f) {
        StringBuilder top = new StringBuilder();
        f.top().forEach(e -> top.append(String.format(Locale.ROOT, "%s %.0f; ", e.getKey(), e.getValue())));
        System.out.printf(Locale.ROOT, "  %-44s %9.0f bytes/request (%s)%n", what, f.perRequest(),
                top.length() > 2 ? top.substring(0, top.length() - 2) : "");
    }

    /** This process's soft limit on open files (the proxy and nginx inherit it), or a large one when unknown. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return Long.MAX_VALUE;
    }
}
