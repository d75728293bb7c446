package dev.interpose.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Bytes the proxy allocates per request, from its own threads' allocation counters: a JFR recording of only
 * {@code jdk.ThreadAllocationStatistics} (each thread's total allocated bytes, emitted at the recording's start
 * and end) is started in the running proxy with {@code jcmd} around a load, and read back here. Exact (not
 * sampled), no JMX, nothing added to the proxy's command line.
 */
final class Allocation {
    private static final String SETTINGS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="interpose-bench allocation">
              <event name="jdk.ThreadAllocationStatistics">
                <setting name="enabled">true</setting>
                <setting name="period">everyChunk</setting>
              </event>
            </configuration>
            """;

    /** Bytes allocated per request in all the proxy's threads, and in the three threads that allocate most. */
    record Figure(double perRequest, List<Map.Entry<String, Double>> top) {
    }

    private Allocation() {
    }

    /** Runs {@code load} (which returns how many requests it completed) while recording the proxy's allocations. */
    static Figure measure(long pid, Callable<Long> load) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path dir = Files.createTempDirectory("interpose-bench-jfr");
        Path settings = Files.writeString(dir.resolve("allocation.jfc"), SETTINGS);
        Path recording = dir.resolve("allocation.jfr");
        jcmd(jcmd, pid, "JFR.start", "name=bench-allocation", "settings=" + settings, "filename=" + recording);
        long requests = load.call();
        jcmd(jcmd, pid, "JFR.stop", "name=bench-allocation");
        Map<Long, long[]> byThread = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!"jdk.ThreadAllocationStatistics".equals(e.getEventType().getName()) || e.getThread("thread") == null) {
                continue;
            }
            long id = e.getThread("thread").getJavaThreadId();
            names.put(id, e.getThread("thread").getJavaName());
            long allocated = e.getLong("allocated");
            byThread.merge(id, new long[] {allocated, allocated},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        Map<String, Double> perThread = new HashMap<>();
        double total = 0;
        for (Map.Entry<Long, long[]> t : byThread.entrySet()) {
            double bytes = (t.getValue()[1] - t.getValue()[0]) / (double) Math.max(1, requests);
            total += bytes;
            // Threads of one pool (the event loops) are summed under the pool's name.
            perThread.merge(names.get(t.getKey()).replaceAll("-\\d+$", "-*"), bytes, Double::sum);
        }
        List<Map.Entry<String, Double>> top = perThread.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(3).toList();
        return new Figure(total, top);
    }

    private static void jcmd(Path jcmd, long pid, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || out.contains("Exception") || out.contains("Could not")) {
            throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + out.trim());
        }
    }
}
