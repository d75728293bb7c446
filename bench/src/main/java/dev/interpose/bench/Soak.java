package dev.interpose.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak run: a steady request rate for a long time through a proxy with a script hook, the response
 * cache and streams, sampling the proxy process's resident memory, threads and open file descriptors from
 * {@code /proc}. The mix per tick: a cached JSON request (hit after the first), a fresh streamed request
 * (a miss through the hook), and every tenth tick a streamed request the client abandons after its head.
 * Prints one row per sample and, at the end, the first against the last quarter: flat is the bar.
 */
final class Soak {
    /** One sample of the proxy process. */
    record Sample(long seconds, long rssKiB, int threads, int fds, long ok, long failed) {
    }

    private Soak() {
    }

    static int run(Bench.ProxyStarter starter, Bench.PortWaiter waiter, int upstreamPort, int minutes, int ratePerSecond,
            int sampleSeconds) throws Exception {
        Path project = Files.createTempDirectory("interpose-soak");
        Path hook = Files.createDirectories(project.resolve(".interpose/hooks")).resolve("soak.sh");
        Files.writeString(hook, "#!/bin/sh\n# interpose-event: PreRequest\ncat > /dev/null\n");
        hook.toFile().setExecutable(true);
        Path config = project.resolve("interpose.yaml");
        Files.writeString(config, "cache:\n  max-bytes: 8388608\nupstreams:\n  anthropic:\n    cache: true\n");
        Path log = Files.createTempFile("interpose-soak", ".log");
        Process proxy = starter.start(upstreamPort, log, "--config", config.toString(), "--project-dir",
                project.toString());
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        List<Sample> samples = new ArrayList<>();
        try {
            int port = waiter.await(proxy, log);
            long pid = proxy.pid();
            URI messages = URI.create("http://127.0.0.1:" + port + "/v1/messages");
            String cached = "{\"model\":\"claude-soak\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            System.out.printf(Locale.ROOT, "soak: %d min at %d ticks/s (3 requests a tick: cache hit, hooked stream, "
                    + "and every 10th tick an abandoned stream), proxy pid %d%n", minutes, ratePerSecond, pid);
            System.out.printf(Locale.ROOT, "%8s %10s %8s %6s %10s %8s%n", "seconds", "RSS KiB", "threads", "fds", "ok",
                    "failed");
            ticks.scheduleAtFixedRate(() -> {
                long n = sequence.incrementAndGet();
                send(http, messages, cached, "json", ok, failed, false);
                String fresh = "{\"model\":\"claude-soak\",\"stream\":true,\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"soak " + n + "\"}]}";
                send(http, messages, fresh, "sse", ok, failed, false);
                if (n % 10 == 0) {
                    send(http, messages, fresh.replace("soak ", "gone "), "sse", ok, failed, true);
                }
            }, 0, 1_000_000 / ratePerSecond, TimeUnit.MICROSECONDS);
            long start = System.nanoTime();
            long end = start + TimeUnit.MINUTES.toNanos(minutes);
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(sampleSeconds * 1000L, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                Sample s = sample(pid, (System.nanoTime() - start) / 1_000_000_000L, ok.get(), failed.get());
                samples.add(s);
                System.out.printf(Locale.ROOT, "%8d %10d %8d %6d %10d %8d%n", s.seconds(), s.rssKiB(), s.threads(),
                        s.fds(), s.ok(), s.failed());
            }
        } finally {
            ticks.shutdownNow();
            proxy.toHandle().destroy();
            proxy.waitFor(30, TimeUnit.SECONDS);
        }
        summarise(samples);
        return failed.get() == 0 ? 0 : 1;
    }

    private static void send(HttpClient http, URI uri, String body, String answer, AtomicLong ok, AtomicLong failed,
            boolean abandon) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", "soak").header("x-bench-response", answer)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        CompletableFuture<? extends HttpResponse<?>> call = abandon
                ? http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).thenApply(r -> {
                    try {
                        r.body().close(); // the client leaves after the head
                    } catch (java.io.IOException e) {
                        // closing is all that is wanted
                    }
                    return r;
                })
                : http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        call.whenComplete((response, error) -> {
            boolean good = error == null && response.statusCode() == 200
                    && (abandon || ((String) response.body()).contains(answer.equals("sse") ? "message_stop" : "msg_bench"));
            (good ? ok : failed).incrementAndGet();
        });
    }

    private static Sample sample(long pid, long seconds, long ok, long failed) throws Exception {
        long rss = 0;
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
            }
        }
        int fds;
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = (int) list.count();
        }
        return new Sample(seconds, rss, threads, fds, ok, failed);
    }

    /** The first quarter's means against the last quarter's, and the peaks. */
    private static void summarise(List<Sample> samples) {
        if (samples.size() < 4) {
            System.out.println("soak: too few samples to compare");
            return;
        }
        int q = samples.size() / 4;
        List<Sample> first = samples.subList(0, q);
        List<Sample> last = samples.subList(samples.size() - q, samples.size());
        System.out.printf(Locale.ROOT, "%nsoak summary (%d samples; first quarter mean -> last quarter mean, peak)%n",
                samples.size());
        System.out.printf(Locale.ROOT, "  RSS KiB  %10.0f -> %10.0f  peak %d%n", mean(first, Sample::rssKiB),
                mean(last, Sample::rssKiB), samples.stream().mapToLong(Sample::rssKiB).max().orElse(0));
        System.out.printf(Locale.ROOT, "  threads  %10.1f -> %10.1f  peak %d%n", mean(first, s -> s.threads()),
                mean(last, s -> s.threads()), samples.stream().mapToInt(Sample::threads).max().orElse(0));
        System.out.printf(Locale.ROOT, "  fds      %10.1f -> %10.1f  peak %d%n", mean(first, s -> s.fds()),
                mean(last, s -> s.fds()), samples.stream().mapToInt(Sample::fds).max().orElse(0));
        Sample end = samples.get(samples.size() - 1);
        System.out.printf(Locale.ROOT, "  requests %d answered, %d failed%n", end.ok(), end.failed());
    }

    private static double mean(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
        return samples.stream().mapToLong(value).average().orElse(0);
    }
}
