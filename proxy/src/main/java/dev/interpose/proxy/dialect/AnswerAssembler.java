package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts one model answer together for the {@code PostResponse} and {@code Stop} hooks and the subagents: from
 * the events of its stream ({@link #onEvent}) or from its whole JSON body ({@link #onBody}). One subclass per
 * API reads that API's shape ({@link ApiDialect#assembler()}); what it does not recognise it skips, and input
 * that is not JSON is ignored. Not thread-safe: one per answer, fed from one thread at a time.
 */
public abstract sealed class AnswerAssembler permits MessagesAnswer, ResponsesAnswer, ChatAnswer {
    static final ObjectMapper JSON = new ObjectMapper();

    final StringBuilder text = new StringBuilder();
    /** Tool calls by their position in the answer (content index, output index or Chat's tool index). */
    final Map<Integer, Call> calls = new LinkedHashMap<>();
    String model;
    String stopReason;
    /** The error the answer ended on ({@code type}, {@code message}), or null. */
    ObjectNode error;
    private ObjectNode usage;

    AnswerAssembler() {
    }

    /** A tool call being put together: its input arrives whole ({@link #parsed}) or in pieces. */
    static final class Call {
        String id;
        String name;
        final StringBuilder input = new StringBuilder();
        JsonNode parsed;
    }

    /**
     * Whether the data of stream events with this name (null: an event without an {@code event:} line) can
     * change the answer; the data of the others need not be kept.
     */
    public boolean wants(String event) {
        return true;
    }

    /** One stream event's data; {@code truncated} data (an event too big to have kept) is skipped. */
    public final void onEvent(byte[] data, int length, boolean truncated) {
        if (truncated || length == 0 || data[0] != '{') {
            return; // Chat's [DONE], or an event too big to have kept
        }
        JsonNode node;
        try {
            node = JSON.readTree(data, 0, length);
        } catch (IOException e) {
            return;
        }
        event(node);
    }

    /** A whole non-streaming answer body. */
    public final void onBody(byte[] body, int length) {
        JsonNode node;
        try {
            node = JSON.readTree(body, 0, length);
        } catch (IOException e) {
            return;
        }
        body(node);
    }

    /** The answer as put together so far. */
    public final AssembledResponse result() {
        List<AssembledResponse.ToolCall> tools = new ArrayList<>();
        for (Call call : calls.values()) {
            JsonNode input = call.parsed != null ? call.parsed : Arguments.parse(JSON.getNodeFactory()
                    .textNode(call.input.length() == 0 ? "{}" : call.input.toString()));
            tools.add(new AssembledResponse.ToolCall(call.id, call.name, input));
        }
        return new AssembledResponse(model, text.toString(), tools, stopReason, usage, error);
    }

    /** One parsed stream event. */
    abstract void event(JsonNode event);

    /** A parsed whole body. */
    abstract void body(JsonNode body);

    /** Adds the fields of a usage object to the usage seen so far (a later count replaces an earlier one). */
    final void mergeUsage(JsonNode more) {
        if (!more.isObject()) {
            return;
        }
        if (usage == null) {
            usage = JSON.createObjectNode();
        }
        usage.setAll((ObjectNode) more);
    }

    /** Notes an error object of the API ({@code type} or {@code code}, and {@code message}); a later one wins. */
    final void error(JsonNode err) {
        if (err.isObject()) {
            error = JSON.createObjectNode().put("type", textOr(err.path("type"), textOr(err.path("code"), null)))
                    .put("message", textOr(err.path("message"), null));
        }
    }

    static String textOr(JsonNode node, String otherwise) {
        return node.isTextual() ? node.asText() : otherwise;
    }
}
