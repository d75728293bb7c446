package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.SseEvent;
import dev.interpose.proxy.stream.SseDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test plumbing: streams cut at chosen bytes through the project's SSE decoder and a translator, and back. */
final class Sse {
    private Sse() {
    }

    /** One decoded event: its name, and its JSON data (null for [DONE]). */
    record Event(String name, ObjectNode data, boolean done) {
        String type() {
            return data == null ? null : data.path("type").asText(null);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = Sse.class.getResourceAsStream("/translate/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of {@code stream}, fed to the decoder in pieces cut at {@code cuts} (ascending offsets). */
    static List<SseEvent> decode(byte[] stream, List<Integer> cuts) {
        List<SseEvent> events = new ArrayList<>();
        SseDecoder decoder = new SseDecoder(new SseDecoder.Listener() {
            @Override
            public boolean wants(String event) {
                return true;
            }

            @Override
            public void onEvent(String event, byte[] data, int length, boolean truncated) {
                events.add(SseEvent.of(null, event, new String(data, 0, length, StandardCharsets.UTF_8)));
            }
        }, 1 << 20);
        int from = 0;
        for (int cut : cuts) {
            decoder.feed(stream, from, cut - from);
            from = cut;
        }
        decoder.feed(stream, from, stream.length - from);
        return events;
    }

    /**
     * What the client gets: the upstream's stream cut at {@code cuts}, each event handed to the translator the
     * moment the decoder has it whole, then the stream's end.
     */
    static byte[] translate(EventTranslator translator, byte[] upstream, List<Integer> cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<SseEvent> pending = new ArrayList<>();
        SseDecoder decoder = new SseDecoder(new SseDecoder.Listener() {
            @Override
            public boolean wants(String event) {
                return true;
            }

            @Override
            public void onEvent(String event, byte[] data, int length, boolean truncated) {
                pending.add(SseEvent.of(null, event, new String(data, 0, length, StandardCharsets.UTF_8)));
            }
        }, 1 << 20);
        int from = 0;
        List<Integer> all = new ArrayList<>(cuts);
        all.add(upstream.length);
        for (int cut : all) {
            decoder.feed(upstream, from, cut - from);
            from = cut;
            for (SseEvent event : pending) {
                translator.accept(event, out::writeBytes);
            }
            pending.clear();
        }
        translator.end(out::writeBytes);
        return out.toByteArray();
    }

    /** The client's events, read back whole. */
    static List<Event> events(byte[] clientStream) {
        List<Event> events = new ArrayList<>();
        for (SseEvent event : decode(clientStream, List.of())) {
            if (event.unreadable() != null) {
                throw new AssertionError("the translator wrote an unreadable event: " + event.unreadable());
            }
            events.add(new Event(event.name(), event.json(), event.done()));
        }
        return events;
    }
}
