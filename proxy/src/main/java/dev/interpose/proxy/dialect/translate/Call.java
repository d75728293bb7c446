package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link TranslatedCall} put together from its parts. The body is written out when the call is made, so the
 * tree (which may share values with the client's request) is not kept. Immutable.
 */
final class Call implements TranslatedCall {
    private final byte[] body;
    private final boolean streaming;
    private final Function<ObjectNode, ObjectNode> answer;
    private final Supplier<EventTranslator> events;
    private final BiFunction<Integer, byte[], ErrorReply> error;

    Call(ObjectNode body, boolean streaming, Function<ObjectNode, ObjectNode> answer, Supplier<EventTranslator> events,
            BiFunction<Integer, byte[], ErrorReply> error) {
        try {
            this.body = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the translated request could not be written", e);
        }
        this.streaming = streaming;
        this.answer = answer;
        this.events = events;
        this.error = error;
    }

    @Override
    public ObjectNode body() {
        try {
            return (ObjectNode) Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] bodyBytes() {
        return body;
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
