package dev.interpose.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import dev.interpose.proxy.log.JsonLineEncoder;
import org.slf4j.LoggerFactory;

/** The lines one logger writes while open (such as {@code interpose.hooks}), as the JSON an operator reads. */
public final class LogCapture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Level before;

    public LogCapture(String name) {
        this(name, null);
    }

    /** As above, with the logger at {@code level} while open (null: as configured). */
    public LogCapture(String name, Level level) {
        logger = (Logger) LoggerFactory.getLogger(name);
        before = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        appender.start();
        logger.addAppender(appender);
    }

    /** Every line so far, with its structured fields and {@code message} and {@code level}. */
    public List<Map<String, Object>> lines() {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        encoder.start();
        try {
            List<ILoggingEvent> events;
            synchronized (appender) {
                events = List.copyOf(appender.list);
            }
            return events.stream().map(e -> json(encoder.encode(e))).collect(Collectors.toList());
        } finally {
            encoder.stop();
        }
    }

    private static Map<String, Object> json(byte[] line) {
        try {
            return JSON.readValue(line, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(before);
    }
}
