package dev.interpose.proxy.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.outcome.ExchangeRecord;
import dev.interpose.proxy.outcome.Outcome;
import dev.interpose.proxy.stream.Usage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log's own writer against the Logstash encoder it stands in for: for any exchange record (hostile
 * text included: quotes, backslashes, control characters, non-ASCII, emoji), the line is byte for byte what
 * the Logstash encoder writes for the same event.
 */
class JsonLineEncoderTest {
    private static final LoggerContext CONTEXT = (LoggerContext) LoggerFactory.getILoggerFactory();

    private static LoggingEvent event(ExchangeRecord r, Instant at) {
        LoggingEvent e = new LoggingEvent("x", CONTEXT.getLogger("interpose.access"), Level.INFO,
                r.requestId() + " " + r.path() + " \"quoted\"", null, null);
        e.addMarker(new AccessFields(r));
        e.setInstant(at);
        return e;
    }

    private static String logstash(LoggingEvent e) {
        LogstashEncoder reference = new LogstashEncoder();
        reference.setContext(CONTEXT);
        reference.getFieldNames().setTimestamp("ts");
        reference.getFieldNames().setVersion("[ignore]");
        reference.getFieldNames().setLevelValue("[ignore]");
        reference.getFieldNames().setThread("[ignore]");
        reference.start();
        try {
            return new String(reference.encode(e), StandardCharsets.UTF_8);
        } finally {
            reference.stop();
        }
    }

    private static String ours(LoggingEvent e) throws Exception {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(CONTEXT);
        encoder.start();
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        encoder.encode(e, streamed);
        String bytes = new String(encoder.encode(e), StandardCharsets.UTF_8);
        assertThat(streamed.toString(StandardCharsets.UTF_8)).isEqualTo(bytes);
        return bytes;
    }

    @Property(tries = 300)
    void writesWhatLogstashWrites(@ForAll("records") ExchangeRecord r, @ForAll("instants") Instant at) throws Exception {
        LoggingEvent e = event(r, at);
        assertThat(ours(e)).isEqualTo(logstash(e));
    }

    @Test
    void aLineWithEveryFieldAndAWholeSecond() throws Exception {
        ExchangeRecord r = new ExchangeRecord("id1", "claude", "anthropic.messages", "local", "POST", "/v1/messages",
                "qwen3", "claude-sonnet-4-5", true, 200, Outcome.values()[0], ErrorKind.BAD_REQUEST, "bad\n\"x\"\u0001é🙂",
                0.0004, 12.0, 47_000, 1234, new Usage("qwen3", 10, 20, 30, 40), "req_1", "miss", "openai-chat");
        LoggingEvent e = event(r, Instant.parse("2026-12-02T14:41:00Z"));
        String line = ours(e);
        assertThat(line).isEqualTo(logstash(e)).contains("\"ts\":\"2026-12-02T14:41:00Z\"")
                .contains("\"head_ms\":0.0,\"duration_ms\":12.0").contains("\"error_message\":\"bad\\n\\\"x\\\"\\u0001é\\uD83D\\uDE42\"")
                .contains("\"dialect\":\"anthropic\",\"upstream_dialect\":\"openai-chat\",\"translated\":true")
                .endsWith("}\n");
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Combinators.combine(Arbitraries.longs().between(0, 4_000_000_000L),
                Arbitraries.oneOf(Arbitraries.integers().between(0, 999_999_999), Arbitraries.of(0, 100_000_000,
                        120_000, 7))).as(Instant::ofEpochSecond);
    }

    private static Arbitrary<String> text() {
        Arbitrary<String> plain = Arbitraries.strings().withCharRange('\u0000', '\u00ff').withCharRange('\u0100', '\ud7ff')
                .ofMaxLength(40);
        return Arbitraries.oneOf(plain, plain.map(s -> s + "🙂\"\\"), Arbitraries.just("/v1/messages?beta=true"));
    }

    private static Arbitrary<Double> millis() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(0, 20_000_000), Arbitraries.of(-1.0, 0.0, 0.0004, 0.0005,
                1.0, 2089.259, 9_999_999.9994), Arbitraries.doubles().between(0, 5));
    }

    @Provide
    Arbitrary<ExchangeRecord> records() {
        Arbitrary<String> nullable = text().injectNull(0.3);
        Arbitrary<Usage> usage = Combinators.combine(Arbitraries.longs().between(-1, 1_000_000),
                Arbitraries.longs().between(-1, 1_000_000), Arbitraries.longs().between(-1, 10),
                Arbitraries.longs().between(-1, 10)).as((a, b, c, d) -> new Usage("m", a, b, c, d)).injectNull(0.3);
        Arbitrary<String[]> texts = text().array(String[].class).ofSize(9);
        Arbitrary<String[]> optional = nullable.array(String[].class).ofSize(5);
        return Combinators.combine(texts, optional, Arbitraries.of(Outcome.class), Arbitraries.of(ErrorKind.class)
                .injectNull(0.5), millis(), millis(), usage, Arbitraries.integers().between(100, 599))
                .as((t, o, outcome, error, head, total, u, status) -> new ExchangeRecord(t[0], t[1], t[2], t[3], t[4],
                        o[4] == null ? "/v1/messages" : t[5], t[6], o[0], status % 2 == 0, status, outcome, error, t[7],
                        head, total, status * 31L, status * 17L, u, o[1], o[2], o[3]));
    }
}
