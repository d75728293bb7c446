package dev.interpose.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The first seconds of a process that has just started listening, as a user's proxy spends most of its life:
 * its first {@value #FIRST} Claude Code requests one after the other on a new connection, then that request at
 * concurrency 1 for one second, then the small request at the throughput run's connections until
 * {@value #WINDOW_SECONDS} s after the process was started.
 */
final class ColdStart {
    static final int FIRST = 3;
    static final int WINDOW_SECONDS = 10;
    static final String CLAUDE_PATH = "/v1/messages?beta=true";

    /** What the first seconds measured; {@code startupNanos} from starting the process to listening. */
    record Figures(long startupNanos, long[] first, LoadClient.Result concurrency1, LoadClient.Result throughput) {
        double firstMs(int i) {
            return first[i] / 1e6;
        }
    }

    private ColdStart() {
    }

    /** Measures a target started {@code startedAt} (System.nanoTime) that listens now. */
    static Figures measure(EventLoopGroup loop, Class<? extends Channel> type, int port, long startedAt,
            long startupNanos, byte[] claudeBody, byte[] smallBody, int connections) throws InterruptedException {
        long[] first = LoadClient.first(loop, type, port, CLAUDE_PATH, claudeBody, "sse", FIRST);
        LoadClient.Result c1 = LoadClient.run(loop, type, port, CLAUDE_PATH, claudeBody, "sse", 1, 0, 1000);
        long left = TimeUnit.NANOSECONDS.toMillis(startedAt + TimeUnit.SECONDS.toNanos(WINDOW_SECONDS) - System.nanoTime());
        LoadClient.Result load = LoadClient.run(loop, type, port, "/v1/messages", smallBody, "json", connections, 0,
                Math.max(1000, left));
        return new Figures(startupNanos, first, c1, load);
    }

    /** The cold table: direct (warm fake, a new connection), nginx (null when absent) and the proxy. */
    static void print(long[] directFirst, LoadClient.Result directC1, Figures nginx, Figures proxy, int connections,
            int claudeBytes) {
        System.out.printf(Locale.ROOT, "%ncold: the first %d s after starting the process (nginx and the proxy each "
                + "started fresh; the fake upstream and this client already warm)%n", WINDOW_SECONDS);
        Report.header("direct", "nginx", "proxied", "proxied-nginx");
        System.out.printf(Locale.ROOT, "  %-26s %12s %12s %12s %13s%n", "start to listening", "",
                nginx == null ? "—" : ms(nginx.startupNanos / 1e6), ms(proxy.startupNanos / 1e6),
                nginx == null ? "" : plusMs((proxy.startupNanos - nginx.startupNanos) / 1e6));
        for (int i = 0; i < FIRST; i++) {
            System.out.printf(Locale.ROOT, "  %-26s %12s %12s %12s %13s%n",
                    "request " + (i + 1) + ", " + claudeBytes / 1000 + " KB body", ms(directFirst[i] / 1e6),
                    nginx == null ? "—" : ms(nginx.firstMs(i)), ms(proxy.firstMs(i)),
                    nginx == null ? "" : plusMs(proxy.firstMs(i) - nginx.firstMs(i)));
        }
        Report.row("c1 p50, first second", directC1.latency(), nginx == null ? null : nginx.concurrency1.latency(),
                proxy.concurrency1.latency(), 50);
        Report.row("c1 p99, first second", directC1.latency(), nginx == null ? null : nginx.concurrency1.latency(),
                proxy.concurrency1.latency(), 99);
        System.out.printf(Locale.ROOT, "  %-26s %12s %12s %12.0f %13s%n", "req/s, " + connections + " connections", "",
                nginx == null ? "—" : String.format(Locale.ROOT, "%.0f", nginx.throughput.perSecond()),
                proxy.throughput.perSecond(),
                nginx == null ? "" : String.format(Locale.ROOT, "%.2fx", proxy.throughput.perSecond()
                        / nginx.throughput.perSecond()));
        System.out.printf(Locale.ROOT, "  (c1: the %d KB request at concurrency 1 in the second after the first "
                + "requests, direct from the warm-up; req/s: from then to %d s after start, %.1f s for the proxy)%n",
                claudeBytes / 1000, WINDOW_SECONDS, proxy.throughput.seconds());
    }

    /** The goals on the first seconds: throughput, added latency and the first request against nginx's; start-up. */
    static void goals(Goals goals, long[] directFirst, Figures nginx, Figures proxy, int connections) {
        goals.ratio("req/s at " + connections + " connections within 10 s of start, >= 0.9x nginx",
                proxy.throughput.perSecond(), nginx == null ? 0 : nginx.throughput.perSecond(), "", 0.9, true);
        goals.difference("added p50, c1, 47 KB, first second, within 20 µs of nginx",
                proxy.concurrency1.latency().getValueAtPercentile(50) / 1000.0,
                nginx == null ? 0 : nginx.concurrency1.latency().getValueAtPercentile(50) / 1000.0, " µs", 20);
        double added = proxy.firstMs(0) - directFirst[0] / 1e6;
        goals.figure("first request after start adds at most 5 ms", plusMs(added), added <= 5);
        goals.figure("start to listening at most 0.4 s", ms(proxy.startupNanos / 1e6), proxy.startupNanos <= 400_000_000L);
    }

    static String ms(double ms) {
        return String.format(Locale.ROOT, "%.2f ms", ms);
    }

    static String plusMs(double ms) {
        return String.format(Locale.ROOT, "%+.2f ms", ms);
    }
}
