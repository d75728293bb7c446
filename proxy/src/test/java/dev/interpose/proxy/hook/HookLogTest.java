package dev.interpose.proxy.hook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.HookRun;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The hook log line says when a fail-open hook failed and its guard was therefore skipped. */
class HookLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("interpose.hooks");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
    }

    @Test
    void aFailedFailOpenHookIsLoggedAsSkippedAndAFailClosedOneIsNot() throws Exception {
        appender.start();
        logger.addAppender(appender);
        HookLog log = new HookLog(new SimpleMeterRegistry());
        log.record("r-1", new HookRun("guard", HookEvent.PRE_TOOL_USE, 2_000_000_000L, "timeout",
                "timed out after 2000ms; process tree killed", true));
        log.record("r-2", new HookRun("strict", HookEvent.PRE_TOOL_USE, 1_000_000L, "error", "exit 3", false));
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "hook guard PreToolUse timeout, skipped (fail-open): timed out after 2000ms; process tree killed",
                "hook strict PreToolUse error: exit 3");
        assertThat(appender.list).extracting(ILoggingEvent::getLevel).containsOnly(Level.WARN);
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        encoder.start();
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(new String(encoder.encode(appender.list.get(0)), StandardCharsets.UTF_8))
                .path("skipped").asBoolean()).isTrue();
        assertThat(json.readTree(new String(encoder.encode(appender.list.get(1)), StandardCharsets.UTF_8))
                .has("skipped")).isFalse();
        encoder.stop();
    }
}
