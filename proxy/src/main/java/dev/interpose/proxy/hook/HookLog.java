package dev.interpose.proxy.hook;

import dev.interpose.hooks.HookRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per hook run (logger {@code interpose.hooks}: request id, hook, event, duration, outcome and
 * the reason of a block, an error or a skip; a fail-open hook that failed is marked {@code skipped (fail-open)}:
 * its guard did not apply; the outcome is {@code skipped} when the proxy could not show the hook the request)
 * and the metrics {@code interpose_hook_runs_total{hook,event,outcome}}
 * and {@code interpose_hook_duration_seconds{hook,event}}. Called on hook threads. Thread-safe.
 */
public final class HookLog {
    private static final Logger LOG = LoggerFactory.getLogger("interpose.hooks");

    private record RunKey(String hook, String event, String outcome) {
    }

    private record DurationKey(String hook, String event) {
    }

    private final MeterRegistry registry;
    /** Built once per tag values, then only recorded: no builder on a hook thread's path. */
    private final Map<RunKey, Counter> runs = new ConcurrentHashMap<>();
    private final Map<DurationKey, Timer> durations = new ConcurrentHashMap<>();

    public HookLog(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String requestId, HookRun run) {
        String event = run.event().wireName();
        runs.computeIfAbsent(new RunKey(run.hook(), event, run.outcome()), k -> Counter.builder("interpose.hook.runs")
                .tag("hook", k.hook()).tag("event", k.event()).tag("outcome", k.outcome()).register(registry))
                .increment();
        durations.computeIfAbsent(new DurationKey(run.hook(), event), k -> Timer.builder("interpose.hook.duration")
                .tag("hook", k.hook()).tag("event", k.event()).register(registry))
                .record(run.nanos(), TimeUnit.NANOSECONDS);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", requestId);
        fields.put("hook", run.hook());
        fields.put("event", event);
        fields.put("duration_ms", Math.round(run.nanos() / 1000.0) / 1000.0);
        fields.put("outcome", run.outcome());
        if (run.detail() != null) {
            fields.put("detail", run.detail());
        }
        if (run.skipped()) {
            fields.put("skipped", true);
        }
        String message = "hook " + run.hook() + " " + event + " " + run.outcome()
                + (run.skipped() ? ", skipped (fail-open)" : "") + (run.detail() == null ? "" : ": " + run.detail());
        if (run.outcome().equals("error") || run.outcome().equals("timeout") || run.outcome().equals("skipped")) {
            LOG.warn(Markers.appendEntries(fields), message);
        } else {
            LOG.info(Markers.appendEntries(fields), message);
        }
    }
}
