package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.SseEvent;
import java.util.function.Consumer;

/**
 * An {@link EventTranslator} made of one step, or of two where the first's events feed the second. Once the
 * client's stream is finished, whatever else the upstream sends is dropped. Per response, confined to its
 * thread.
 */
final class Pipeline implements EventTranslator {
    private final EventStep first;
    private final EventStep second;

    Pipeline(EventStep only) {
        this(only, null);
    }

    Pipeline(EventStep first, EventStep second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public void accept(SseEvent event, Consumer<byte[]> out) {
        if (finished()) {
            return;
        }
        if (event.unreadable() != null) {
            fail(event.unreadable(), out); // an event the client cannot be shown whole: fail closed
        } else if (event.json() != null || event.done()) {
            first.event(event.name(), event.json(), event.done(), target(out));
        } // else a comment or an event without JSON data: nothing a client acts on
    }

    @Override
    public void end(Consumer<byte[]> out) {
        if (finished()) {
            return;
        }
        first.end(target(out));
        if (second != null && !second.finished()) {
            second.end(new SseOut(out)); // a first step that had finished already left the second open
        }
    }

    private void fail(String why, Consumer<byte[]> out) {
        if (!first.finished()) {
            first.fail(why, target(out));
        } else if (second != null && !second.finished()) {
            second.fail(why, new SseOut(out));
        }
    }

    @Override
    public boolean finished() {
        return second != null ? second.finished() : first.finished();
    }

    private Out target(Consumer<byte[]> out) {
        SseOut sse = new SseOut(out);
        return second == null ? sse : new Chained(second, sse);
    }

    /** The first step's events, fed to the second. */
    private static final class Chained implements Out {
        private final EventStep next;
        private final Out out;

        Chained(EventStep next, Out out) {
            this.next = next;
            this.out = out;
        }

        @Override
        public void event(String name, ObjectNode data) {
            next.event(name, data, false, out);
        }

        @Override
        public void done() {
            next.event(null, null, true, out);
        }
    }
}
