package dev.interpose.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The subagent figures: {@code POST /interpose/agents/run} on a proxy whose project holds 64 agents, the
 * fake upstream answering each agent call after a fixed delay. Coordination overhead is the run's wall time
 * (measured by the proxy) minus its slowest agent; parallel efficiency is the sum of the agents' times over
 * agents × wall time; heap per in-flight agent is the live heap after a full GC with 64 agents waiting on
 * the upstream, minus the live heap idle, over 64.
 */
final class AgentFigures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int AGENTS = 64;

    private AgentFigures() {
    }

    static void run(Bench.ProxyStarter starter, Bench.PortWaiter waiter, FakeUpstream upstream) throws Exception {
        Path project = Files.createTempDirectory("interpose-bench-agents");
        Path folder = Files.createDirectories(project.resolve(".interpose/agents"));
        for (int i = 1; i <= AGENTS; i++) {
            Files.writeString(folder.resolve("bench-" + i + ".md"), "You are bench agent " + i + ". Review the task.\n");
        }
        Path config = Files.writeString(project.resolve("interpose.yaml"), "agents:\n  max-concurrent: " + AGENTS + "\n");
        Path log = Files.createTempFile("interpose-bench-agents", ".log");
        Process proxy = starter.start(upstream.port(), log, "--project-dir", project.toString(), "--config",
                config.toString());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            URI base = URI.create("http://127.0.0.1:" + waiter.await(proxy, log));
            upstream.agentDelayMs = 500;
            System.out.printf(Locale.ROOT, "%nsubagents, the upstream answering each after 500 ms, POST /interpose/agents/run"
                    + " (10 runs each, after 5 unmeasured)%n");
            System.out.printf(Locale.ROOT, "  %-8s %16s %16s %14s %14s%n", "agents", "wall p50", "overhead p50",
                    "overhead max", "efficiency min");
            for (int n : new int[] {1, 2, 4, 8}) {
                for (int i = 0; i < 5; i++) {
                    call(http, base, n);
                }
                List<Long> walls = new ArrayList<>();
                List<Long> overheads = new ArrayList<>();
                double efficiency = 1;
                for (int i = 0; i < 10; i++) {
                    JsonNode result = call(http, base, n);
                    long wall = result.path("duration_ms").asLong();
                    long slowest = 0;
                    long sum = 0;
                    for (JsonNode agent : result.path("results")) {
                        if (!"ok".equals(agent.path("status").asText())) {
                            throw new IllegalStateException("agent failed: " + agent);
                        }
                        slowest = Math.max(slowest, agent.path("duration_ms").asLong());
                        sum += agent.path("duration_ms").asLong();
                    }
                    walls.add(wall);
                    overheads.add(wall - slowest);
                    efficiency = Math.min(efficiency, sum / (double) (n * wall));
                }
                Collections.sort(walls);
                Collections.sort(overheads);
                System.out.printf(Locale.ROOT, "  %-8d %13d ms %13d ms %11d ms %14.3f%n", n, walls.get(5),
                        overheads.get(5), overheads.get(9), efficiency);
            }
            long idle = liveHeap(http, base, proxy.pid());
            upstream.agentDelayMs = 4000;
            CompletableFuture<JsonNode> many = CompletableFuture.supplyAsync(() -> {
                try {
                    return call(http, base, AGENTS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            TimeUnit.MILLISECONDS.sleep(2000);
            long busy = liveHeap(http, base, proxy.pid());
            JsonNode result = many.get(30, TimeUnit.SECONDS);
            long ok = 0;
            for (JsonNode agent : result.path("results")) {
                ok += "ok".equals(agent.path("status").asText()) ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "  %d agents in flight at once (%d ok): live heap %.1f MiB idle, %.1f MiB busy, "
                    + "%.1f KiB per in-flight agent%n", AGENTS, ok, idle / 1048576.0, busy / 1048576.0,
                    (busy - idle) / 1024.0 / AGENTS);
        } finally {
            upstream.agentDelayMs = 0;
            proxy.toHandle().destroy();
            proxy.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static JsonNode call(HttpClient http, URI base, int n) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add("\"bench-" + i + "\"");
        }
        String body = "{\"agents\":[" + String.join(",", names) + "],\"prompt\":\"Review the change.\","
                + "\"model\":\"claude-bench\"}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/interpose/agents/run"))
                .header("x-api-key", "bench").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** The proxy's heap in use right after a full GC (jcmd GC.run, then its own metrics). */
    private static long liveHeap(HttpClient http, URI base, long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long used = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return used;
    }
}
