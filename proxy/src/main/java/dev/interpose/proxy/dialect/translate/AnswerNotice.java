package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A notice for the person (a hook's {@code systemMessage}) put before the model's answer, in the client's own API,
 * as the answer's first text: in Anthropic's Messages the opening of the model's first text block (a line, then a
 * blank one; Claude Code's {@code -p} prints only the answer's last text block, so a block of its own would not be
 * seen there), or a text block of its own after the model's blocks when the answer has no text; in OpenAI's Responses a message item of its own at output index 0 (the model's items move up, the
 * sequence numbers are counted again), in Chat Completions the first content of the answer, a blank line before
 * the model's. A stream gets it right after its opening event, so it is the first thing a CLI prints; a whole
 * answer gets it in its content. It wraps the call that translates the answer for a translated request (the notice
 * goes into the client's events, after the translation), or stands alone for one that is not. Immutable; the
 * stream translators it hands out are per response, confined to its thread.
 */
public final class AnswerNotice implements TranslatedCall {
    private final TranslatedCall inner;
    private final ApiDialect client;
    private final String text;

    private AnswerNotice(TranslatedCall inner, ApiDialect client, String text) {
        this.inner = inner;
        this.client = client;
        this.text = text;
    }

    /** {@code call} (null: the answer is not translated) with {@code text} put before the answer in {@code client}'s API. */
    public static TranslatedCall around(TranslatedCall call, ApiDialect client, String text) {
        return new AnswerNotice(call, client, text);
    }

    @Override
    public ObjectNode body() {
        if (inner == null) {
            throw new IllegalStateException("an untranslated request is sent as it is");
        }
        return inner.body();
    }

    @Override
    public byte[] bodyBytes() {
        if (inner == null) {
            throw new IllegalStateException("an untranslated request is sent as it is");
        }
        return inner.bodyBytes();
    }

    @Override
    public boolean streaming() {
        return inner != null && inner.streaming();
    }

    @Override
    public ObjectNode answer(ObjectNode upstreamAnswer) {
        ObjectNode answer = inner == null ? upstreamAnswer : inner.answer(upstreamAnswer);
        if (client == ApiDialect.MESSAGES) {
            JsonNode content = answer.path("content");
            ArrayNode blocks = content.isArray() ? (ArrayNode) content : answer.putArray("content");
            for (JsonNode block : blocks) {
                if ("text".equals(block.path("type").asText()) && block instanceof ObjectNode) {
                    ((ObjectNode) block).put("text", text + "\n\n" + block.path("text").asText(""));
                    return answer;
                }
            }
            blocks.addObject().put("type", "text").put("text", text);
        } else if (client == ApiDialect.CHAT) {
            JsonNode message = answer.path("choices").path(0).path("message");
            if (message.isObject()) {
                String said = message.path("content").isTextual() ? message.path("content").asText() : "";
                ((ObjectNode) message).put("content", said.isEmpty() ? text : text + "\n\n" + said);
            }
        } else {
            JsonNode output = answer.path("output");
            ArrayNode items = output.isArray() ? (ArrayNode) output : answer.putArray("output");
            items.insert(0, responsesItem("completed"));
        }
        return answer;
    }

    @Override
    public EventTranslator events() {
        Notice notice = new Notice();
        if (inner == null) {
            return notice;
        }
        EventTranslator translated = inner.events();
        return new EventTranslator() {
            @Override
            public void accept(SseEvent event, Consumer<byte[]> out) {
                translated.accept(event, bytes -> notice.accept(parse(bytes), out));
            }

            @Override
            public void end(Consumer<byte[]> out) {
                translated.end(bytes -> notice.accept(parse(bytes), out));
            }

            @Override
            public boolean finished() {
                return translated.finished();
            }
        };
    }

    @Override
    public ErrorReply error(int status, byte[] body) {
        return inner == null ? new ErrorReply(status, body) : inner.error(status, body);
    }

    /** One event as {@link SseOut} writes it: an optional {@code event:} line, then one {@code data:} line. */
    private static SseEvent parse(byte[] bytes) {
        String event = new String(bytes, StandardCharsets.UTF_8);
        String name = null;
        String data = null;
        for (String line : event.split("\n")) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            }
        }
        return SseEvent.of(bytes, name, data == null ? "" : data);
    }

    private ObjectNode responsesItem(String status) {
        ObjectNode item = Json.MAPPER.createObjectNode().put("id", "msg_interpose_notice").put("type", "message")
                .put("status", status).put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (status.equals("completed")) {
            content.add(outputText(text));
        }
        return item;
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    /** The client's stream with the notice after its opening event. */
    private final class Notice implements EventTranslator {
        /** Whether the notice was written (Responses: the model's indices move up by one from then on). */
        private boolean written;
        /** Messages: how many content blocks the stream has opened. */
        private int blocks;
        private int sequence;
        private boolean finished;

        @Override
        public void accept(SseEvent event, Consumer<byte[]> bytes) {
            if (event.done()) {
                finished = true;
                new SseOut(bytes).done();
                return;
            }
            ObjectNode data = event.json();
            if (data == null) {
                return; // a comment or an event without JSON data: nothing a client acts on
            }
            SseOut out = new SseOut(bytes);
            String type = data.path("type").asText("");
            if (client == ApiDialect.CHAT) {
                if (!written && data.path("choices").isArray()) {
                    ObjectNode first = data.deepCopy();
                    ObjectNode choice = Json.MAPPER.createObjectNode().put("index", 0);
                    choice.putObject("delta").put("role", "assistant").put("content", text + "\n\n");
                    choice.putNull("finish_reason");
                    first.putArray("choices").add(choice);
                    first.remove("usage");
                    out.event(event.name(), first);
                    written = true;
                }
                out.event(event.name(), data);
                return;
            }
            if (client == ApiDialect.MESSAGES) {
                if (!written && type.equals("message_delta")) {
                    written = true;
                    messagesBlock(out, blocks); // no text of the model's: the notice is a text block of its own
                }
                out.event(event.name(), data);
                finished |= type.equals("message_stop") || type.equals("error");
                if (type.equals("content_block_start")) {
                    blocks = Math.max(blocks, data.path("index").asInt(0) + 1);
                    if (!written && "text".equals(data.path("content_block").path("type").asText())) {
                        written = true; // the notice opens the model's first text, which Claude Code prints whole
                        out.event("content_block_delta", textDelta(data.path("index").asInt(0), text + "\n\n"));
                    }
                }
                return;
            }
            if (!written && !type.equals("response.created") && !type.equals("response.in_progress")) {
                written = true;
                writeItem(out);
            }
            if (written && data.path("output_index").canConvertToInt()) {
                data.put("output_index", data.path("output_index").asInt() + 1);
            }
            JsonNode response = data.path("response");
            if (written && response.path("output").isArray()) {
                ((ArrayNode) response.path("output")).insert(0, AnswerNotice.this.responsesItem("completed"));
            }
            numbered(out, event.name(), data);
            finished |= type.equals("response.completed") || type.equals("response.failed")
                    || type.equals("response.incomplete") || type.equals("error");
        }

        @Override
        public void end(Consumer<byte[]> out) {
            // An untranslated stream ends as the upstream ended it: the client sees the upstream's own grammar.
        }

        @Override
        public boolean finished() {
            return finished;
        }

        private void messagesBlock(SseOut out, int index) {
            ObjectNode start = Json.MAPPER.createObjectNode().put("type", "content_block_start").put("index", index);
            start.putObject("content_block").put("type", "text").put("text", "");
            out.event("content_block_start", start);
            out.event("content_block_delta", textDelta(index, text));
            out.event("content_block_stop", Json.MAPPER.createObjectNode().put("type", "content_block_stop")
                    .put("index", index));
        }

        private ObjectNode textDelta(int index, String said) {
            ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", index);
            delta.putObject("delta").put("type", "text_delta").put("text", said);
            return delta;
        }

        private void writeItem(SseOut out) {
            String id = "msg_interpose_notice";
            ObjectNode added = Json.MAPPER.createObjectNode().put("type", "response.output_item.added")
                    .put("output_index", 0);
            added.set("item", AnswerNotice.this.responsesItem("in_progress"));
            numbered(out, "response.output_item.added", added);
            ObjectNode part = Json.MAPPER.createObjectNode().put("type", "response.content_part.added")
                    .put("item_id", id).put("output_index", 0).put("content_index", 0);
            part.set("part", outputText(""));
            numbered(out, "response.content_part.added", part);
            numbered(out, "response.output_text.delta", Json.MAPPER.createObjectNode()
                    .put("type", "response.output_text.delta").put("item_id", id).put("output_index", 0)
                    .put("content_index", 0).put("delta", text));
            numbered(out, "response.output_text.done", Json.MAPPER.createObjectNode()
                    .put("type", "response.output_text.done").put("item_id", id).put("output_index", 0)
                    .put("content_index", 0).put("text", text));
            ObjectNode partDone = Json.MAPPER.createObjectNode().put("type", "response.content_part.done")
                    .put("item_id", id).put("output_index", 0).put("content_index", 0);
            partDone.set("part", outputText(text));
            numbered(out, "response.content_part.done", partDone);
            ObjectNode done = Json.MAPPER.createObjectNode().put("type", "response.output_item.done")
                    .put("output_index", 0);
            done.set("item", AnswerNotice.this.responsesItem("completed"));
            numbered(out, "response.output_item.done", done);
        }

        /** Responses numbers its events: the notice's are counted in, so the numbers stay one apart. */
        private void numbered(SseOut out, String name, ObjectNode data) {
            data.put("sequence_number", sequence++);
            out.event(name, data);
        }
    }
}
