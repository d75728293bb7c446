package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ResponsesApi;
import dev.interpose.proxy.dialect.Arguments;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.body.ContentCodings;
import dev.interpose.proxy.body.HeapBytes;
import dev.interpose.proxy.body.StrictJson;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@link ToolGate}'s counterpart for a whole (non-streaming) JSON response: the body is held until it
 * ended, every tool call a hook watches is judged (in parallel), and a denied call is replaced by a text
 * part saying so: Anthropic {@code tool_use} blocks become {@code text} blocks, Responses API
 * {@code function_call} items become assistant messages, Chat {@code tool_calls} are dropped with the
 * denial appended to the message's content. When nothing was denied the body goes out byte for byte.
 * A compressed body (the upstream ignored {@code accept-encoding: identity}) is decoded first and sent
 * decoded; a compressed stream is held whole, decoded, and then passed through a {@link ToolGate}, so it
 * loses its pacing but never its check. A body of any other type (or none) is held whole too and judged
 * as what it looks like, since a client reads a streamed answer as a stream and a JSON one as JSON
 * whatever its type says: an object (after JSON whitespace or a byte order mark) as JSON, anything else
 * as a stream (plain text has no events, and passes).
 *
 * <p>Nothing it cannot judge passes: a body larger than {@link #MAX_BYTES} (as sent or decoded), in a
 * coding the proxy cannot decode, not valid for its coding, or (non-streaming) not one JSON object
 * {@link StrictJson} reads, is refused: the client gets a 502 instead, since the head waits for the body
 * ({@link #holdsWhole}).
 */
final class BodyGate implements ResponseGate {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BYTES = dev.interpose.proxy.body.Limits.GATE_BODY_BYTES;

    private final ApiDialect api;
    private final ToolGate.Judge judge;
    private final Executor loop;
    private final Output out;
    private final String encoding;
    private final boolean stream;
    private final boolean sniff;
    private HeapBytes body = new HeapBytes(8192);
    private boolean cancelled;

    /**
     * @param encoding the body's content coding, null for none
     * @param stream   whether the body is a server-sent-events stream (then {@code encoding} is set)
     */
    BodyGate(ApiDialect api, ToolGate.Judge judge, Executor loop, Output out, String encoding, boolean stream) {
        this(api, judge, loop, out, encoding, stream, false);
    }

    private BodyGate(ApiDialect api, ToolGate.Judge judge, Executor loop, Output out, String encoding, boolean stream,
            boolean sniff) {
        this.api = api;
        this.judge = judge;
        this.loop = loop;
        this.out = out;
        this.encoding = encoding;
        this.stream = stream;
        this.sniff = sniff;
    }

    /** A gate for a body whose type is neither JSON nor a stream: judged as what it looks like once whole. */
    static BodyGate sniffing(ApiDialect api, ToolGate.Judge judge, Executor loop, Output out, String encoding) {
        return new BodyGate(api, judge, loop, out, encoding, false, true);
    }

    @Override
    public boolean decodes() {
        return encoding != null;
    }

    @Override
    public boolean holdsWhole() {
        return true;
    }

    @Override
    public void feed(ByteBuf chunk) {
        if (cancelled) {
            return;
        }
        if (!ContentCodings.supported(encoding)) {
            refuse("it is compressed with " + encoding + ", which the proxy cannot decode");
        } else if (!body.appendWithin(chunk, MAX_BYTES)) {
            refuse("it is larger than the " + MAX_BYTES + " bytes the proxy holds to check it");
        }
    }

    @Override
    public void end(Runnable whenDone) {
        if (cancelled) {
            return;
        }
        if (encoding != null && !decode()) {
            return;
        }
        if (stream || sniff && !startsAnObject()) {
            ResponseGate gate = new ToolGate(api, judge, loop, out);
            gate.feed(Unpooled.wrappedBuffer(body.array(), 0, body.length()));
            body = null;
            gate.end(whenDone);
            return;
        }
        if (body.length() == 0) {
            pass(whenDone); // nothing to judge
            return;
        }
        ObjectNode response;
        try {
            response = StrictJson.object(body.array(), 0, body.length());
        } catch (UnreadableBodyException e) {
            refuse("its JSON could not be read: " + e.getMessage());
            return;
        }
        String unjudgeable = api == ApiDialect.CHAT ? ToolGate.chatUnjudgeable(response, "message") : null;
        if (unjudgeable != null) {
            refuse(unjudgeable);
            return;
        }
        List<Call> calls = calls(response);
        if (calls.isEmpty()) {
            pass(whenDone);
            return;
        }
        CompletableFuture<?>[] answers = new CompletableFuture<?>[calls.size()];
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            answers[i] = judge.judge(call.id, call.name, call.input).thenAccept(d -> call.denial = d);
        }
        CompletableFuture.allOf(answers).whenComplete((v, e) -> loop.execute(() -> {
            if (cancelled) {
                return;
            }
            if (calls.stream().noneMatch(c -> c.denial != null)) {
                pass(whenDone);
                return;
            }
            rewrite(response, calls);
            try {
                out.write(Unpooled.wrappedBuffer(JSON.writeValueAsBytes(response)));
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
            out.flush();
            whenDone.run();
        }));
    }

    @Override
    public void cancel() {
        cancelled = true;
        body = null;
    }

    private void pass(Runnable whenDone) {
        if (body.length() > 0) {
            out.write(Unpooled.wrappedBuffer(body.array(), 0, body.length()));
        }
        out.flush();
        whenDone.run();
    }

    /** Whether the held body starts with an object, after JSON whitespace and a byte order mark. */
    private boolean startsAnObject() {
        byte[] bytes = body.array();
        int i = body.length() >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF ? 3 : 0;
        while (i < body.length() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
            i++;
        }
        return i < body.length() && bytes[i] == '{';
    }

    /** Replaces the held bytes with their decoding; false (and the body refused) when they do not decode. */
    private boolean decode() {
        byte[] plain;
        try {
            plain = ContentCodings.decode(Unpooled.wrappedBuffer(body.array(), 0, body.length()), encoding, MAX_BYTES);
        } catch (ProxyException e) {
            refuse(e.kind() == ErrorKind.BODY_TOO_LARGE
                    ? "it decodes from " + encoding + " to more than the " + MAX_BYTES + " bytes the proxy holds to check it"
                    : "it is not valid " + encoding);
            return false;
        }
        HeapBytes decoded = new HeapBytes(Math.max(plain.length, 1));
        decoded.append(Unpooled.wrappedBuffer(plain));
        body = decoded;
        return true;
    }

    /** Nothing of the body goes out: the client is told why instead (a 502, as nothing has gone out yet). */
    private void refuse(String why) {
        cancelled = true;
        body = null;
        out.refuse("the upstream's answer was not passed on: the PreToolUse hooks cannot check its tool calls, as "
                + why);
    }

    /** A tool call a hook watches, where it sits in the body, and what the hooks said. */
    private static final class Call {
        final ArrayNode list;
        final int index;
        final String id;
        final String name;
        final JsonNode input;
        ToolGate.Denial denial;

        Call(ArrayNode list, int index, String id, String name, JsonNode input) {
            this.list = list;
            this.index = index;
            this.id = id;
            this.name = name;
            this.input = input;
        }
    }

    private List<Call> calls(ObjectNode response) {
        List<Call> calls = new ArrayList<>();
        JsonNode list = api == ApiDialect.MESSAGES ? response.path("content")
                : api instanceof ResponsesApi ? response.path("output")
                : response.path("choices").path(0).path("message").path("tool_calls");
        if (!list.isArray()) {
            return calls;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode part = list.get(i);
            String type = part.path("type").asText();
            Call call = null;
            if (api == ApiDialect.MESSAGES && "tool_use".equals(type)) {
                call = new Call((ArrayNode) list, i, part.path("id").asText(null), part.path("name").asText(""),
                        part.path("input"));
            } else if (api instanceof ResponsesApi && ResponsesApi.isCall(part)) {
                call = new Call((ArrayNode) list, i, part.path("call_id").asText(null), ResponsesApi.toolName(part),
                        ResponsesApi.callInput(part));
            } else if (api == ApiDialect.CHAT) {
                JsonNode function = part.path("function");
                call = new Call((ArrayNode) list, i, part.path("id").asText(null), function.path("name").asText(""),
                        Arguments.parse(function.path("arguments")));
            }
            if (call != null && judge.wants(call.name)) {
                calls.add(call);
            }
        }
        return calls;
    }

    private void rewrite(ObjectNode response, List<Call> calls) {
        int denied = 0;
        StringBuilder chatText = new StringBuilder();
        for (int i = calls.size() - 1; i >= 0; i--) { // from the end, so removals keep earlier indexes
            Call call = calls.get(i);
            if (call.denial == null) {
                continue;
            }
            denied++;
            String text = call.denial.text(call.name);
            if (api == ApiDialect.MESSAGES) {
                call.list.set(call.index, JSON.createObjectNode().put("type", "text").put("text", text));
            } else if (api instanceof ResponsesApi) {
                call.list.set(call.index, ResponsesApi.messageItem("msg_interpose_" + call.id, "completed", text));
            } else {
                call.list.remove(call.index);
                chatText.insert(0, (chatText.length() == 0 ? "" : "\n") + text);
            }
        }
        int callsLeft = countCalls(response);
        if (api == ApiDialect.MESSAGES && callsLeft == 0 && "tool_use".equals(response.path("stop_reason").asText())) {
            response.put("stop_reason", "end_turn");
        }
        if (api == ApiDialect.CHAT && denied > 0) {
            ObjectNode choice = (ObjectNode) response.path("choices").path(0);
            ObjectNode message = (ObjectNode) choice.path("message");
            String before = message.path("content").isTextual() ? message.path("content").asText() + "\n\n" : "";
            message.put("content", before + chatText);
            if (callsLeft == 0) {
                message.remove("tool_calls");
                choice.put("finish_reason", "stop");
            }
        }
    }

    private int countCalls(ObjectNode response) {
        int n = 0;
        if (api == ApiDialect.CHAT) {
            return response.path("choices").path(0).path("message").path("tool_calls").size();
        }
        for (JsonNode part : api == ApiDialect.MESSAGES ? response.path("content") : response.path("output")) {
            String type = part.path("type").asText();
            if ("tool_use".equals(type) || ResponsesApi.isCall(part)) {
                n++;
            }
        }
        return n;
    }
}
