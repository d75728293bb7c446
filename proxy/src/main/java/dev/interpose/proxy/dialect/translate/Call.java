package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** A {@link TranslatedCall} put together from its parts. Immutable. */
final class Call implements TranslatedCall {
    private final ObjectNode body;
    private final boolean streaming;
    private final Function<ObjectNode, ObjectNode> answer;
    private final Supplier<EventTranslator> events;
    private final BiFunction<Integer, byte[], ErrorReply> error;

    Call(ObjectNode body, boolean streaming, Function<ObjectNode, ObjectNode> answer, Supplier<EventTranslator> events,
            BiFunction<Integer, byte[], ErrorReply> error) {
        this.body = body;
        this.streaming = streaming;
        this.answer = answer;
        this.events = events;
        this.error = error;
    }

    @Override
    public ObjectNode body() {
        return body.deepCopy();
    }

    @Override
    public boolean streaming() {
        return streaming;
    }

    @Override
    public ObjectNode answer(ObjectNode upstreamAnswer) {
        return answer.apply(upstreamAnswer);
    }

    @Override
    public EventTranslator events() {
        return events.get();
    }

    @Override
    public ErrorReply error(int status, byte[] body) {
        return error.apply(status, body);
    }
}
