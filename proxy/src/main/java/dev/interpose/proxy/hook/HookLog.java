package dev.interpose.proxy.hook;

import dev.interpose.hooks.HookRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
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

    private final MeterRegistry registry;

    public HookLog(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String requestId, HookRun run) {
        String event = run.event().wireName();
        Counter.builder("interpose.hook.runs").tag("hook", run.hook()).tag("event", event).tag("outcome", run.outcome())
                .register(registry).increment();
        Timer.builder("interpose.hook.duration").tag("hook", run.hook()).tag("event", event).register(registry)
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
        if (run.outcome().equals("error") || run.outcome().equals("skipped")) {
            LOG.warn(Markers.appendEntries(fields), message);
        } else {
            LOG.info(Markers.appendEntries(fields), message);
        }
    }
}
