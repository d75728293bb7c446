package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * A Responses stream as a Messages stream, event by event. {@code response.created} opens the message
 * ({@code message_start}, {@code ping}); each output item becomes content blocks, numbered in order and one
 * open at a time: a message item's text parts text blocks (their deltas {@code text_delta}s), a function
 * call a {@code tool_use} block (its argument deltas {@code input_json_delta}s; a custom tool's input whole
 * at its end), a reasoning item a thinking block (its summary deltas {@code thinking_delta}s, and at its end
 * a signature that carries the item back next turn). An item seen only in its {@code output_item.done} is
 * written whole then. {@code response.completed} (or {@code .incomplete}) sends {@code message_delta} with
 * the stop reason and usage, then {@code message_stop}; {@code response.failed}, an {@code error} event, or
 * a stream that ends or breaks before its end is an {@code error} event. Per response, confined to its
 * thread.
 */
final class ResponsesToMessagesEvents implements EventStep {
    /** What is known of one output item. */
    private static final class Item {
        final String type;
        int block = -1;
        boolean everOpened;
        boolean argumentsSent;
        int summaryParts;

        Item(String type) {
            this.type = type;
        }
    }

    private final String requestedModel;
    private final String messageId;
    private final Map<Integer, Item> items = new HashMap<>();
    private boolean started;
    private boolean finished;
    private boolean calledTools;
    private int nextBlock;
    private int openBlock = -1;
    private Item openItem;

    ResponsesToMessagesEvents(String requestedModel) {
        this(requestedModel, null);
    }

    /** With {@code messageId} as the id of the message it streams (the upstream's when null). */
    ResponsesToMessagesEvents(String requestedModel, String messageId) {
        this.requestedModel = requestedModel;
        this.messageId = messageId;
    }

    @Override
    public void event(String name, ObjectNode data, boolean done, Out out) {
        if (finished || data == null) {
            return;
        }
        String type = data.path("type").asText(name == null ? "" : name);
        if (!started && !"error".equals(type) && !"response.failed".equals(type)) {
            start(data.path("response"), out);
        }
        int index = data.path("output_index").asInt(-1);
        switch (type) {
            case "response.output_item.added":
                added(index, data.path("item"), out);
                break;
            case "response.content_part.added":
                open(item(index, "message"), Json.object().put("type", "text").put("text", ""), out);
                break;
            case "response.output_text.delta":
            case "response.refusal.delta":
                text(item(index, "message"), data.path("delta").asText(""), out);
                break;
            case "response.content_part.done":
                stop(item(index, "message"), out);
                break;
            case "response.function_call_arguments.delta":
                arguments(item(index, "function_call"), data.path("delta").asText(""), out);
                break;
            case "response.function_call_arguments.done":
                argumentsOnce(item(index, "function_call"), data.path("arguments").asText(""), out);
                break;
            case "response.custom_tool_call_input.done":
                argumentsOnce(item(index, "custom_tool_call"), Json.write(Json.object().put("input", data.path("input").asText(""))), out);
                break;
            case "response.reasoning_summary_part.added":
                summaryPart(item(index, "reasoning"), out);
                break;
            case "response.reasoning_summary_text.delta":
                thinking(item(index, "reasoning"), data.path("delta").asText(""), out);
                break;
            case "response.output_item.done":
                itemDone(item(index, data.path("item").path("type").asText()), data.path("item"), out);
                break;
            case "response.completed":
            case "response.incomplete":
                complete(data.path("response"), out);
                break;
            case "response.failed":
                error(ErrorTranslation.messagesStreamError(ErrorTranslation.read(data.path("response"))), out);
                break;
            case "error":
                error(ErrorTranslation.messagesStreamError(ErrorTranslation.read(data)), out);
                break;
            default:
                break; // in_progress, text and summary done events (their text came in deltas), hosted tools' events
        }
    }

    @Override
    public void fail(String why, Out out) {
        if (!finished) {
            error(ErrorTranslation.messagesError("api_error", why), out);
        }
    }

    @Override
    public boolean finished() {
        return finished;
    }

    private Item item(int index, String type) {
        return items.computeIfAbsent(index, i -> new Item(type));
    }

    private void start(JsonNode response, Out out) {
        started = true;
        ObjectNode message = Json.object().put("id", messageId != null ? messageId
                : Ids.message(Json.text(response.path("id"))));
        message.put("type", "message").put("role", "assistant").put("model", ChatToMessagesAnswer.model(response, requestedModel));
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.set("usage", new TokenCounts().toMessages());
        ObjectNode event = Json.object().put("type", "message_start");
        event.set("message", message);
        out.event("message_start", event);
        out.event("ping", Json.object().put("type", "ping"));
    }

    private void added(int index, JsonNode added, Out out) {
        String type = added.path("type").asText();
        Item item = item(index, type);
        if ("function_call".equals(type) || "custom_tool_call".equals(type)) {
            calledTools = true;
            ObjectNode block = Json.object().put("type", "tool_use").put("id", Ids.toolUse(Json.text(added.path("call_id")), index))
                    .put("name", added.path("name").asText(""));
            block.putObject("input");
            open(item, block, out);
        } else if ("reasoning".equals(type)) {
            open(item, Json.object().put("type", "thinking").put("thinking", "").put("signature", ""), out);
        }
    }

    private void text(Item item, String text, Out out) {
        if (openItem != item) {
            open(item, Json.object().put("type", "text").put("text", ""), out);
        }
        delta(Json.object().put("type", "text_delta").put("text", text), out);
    }

    /** A piece of a call's arguments; a call not yet seen gets them whole at its done event. */
    private void arguments(Item item, String piece, Out out) {
        if (piece.isEmpty() || !item.everOpened) {
            return;
        }
        if (openItem != item) {
            fail("the upstream streamed arguments for a tool call after the next block had started", out);
            return;
        }
        item.argumentsSent = true;
        delta(Json.object().put("type", "input_json_delta").put("partial_json", piece), out);
    }

    /** The arguments of a call whose pieces were not streamed, sent whole. */
    private void argumentsOnce(Item item, String arguments, Out out) {
        if (!item.argumentsSent) {
            arguments(item, arguments, out);
        }
    }

    private void summaryPart(Item item, Out out) {
        if (item.summaryParts++ > 0) {
            thinking(item, "\n\n", out);
        }
    }

    private void thinking(Item item, String text, Out out) {
        if (openItem != item) {
            open(item, Json.object().put("type", "thinking").put("thinking", "").put("signature", ""), out);
        }
        delta(Json.object().put("type", "thinking_delta").put("thinking", text), out);
    }

    private void itemDone(Item item, JsonNode done, Out out) {
        switch (done.path("type").asText()) {
            case "function_call":
            case "custom_tool_call": {
                ObjectNode use = ResponsesToMessagesAnswer.toolUse(done);
                if (!item.everOpened) {
                    calledTools = true;
                    ObjectNode block = Json.object().put("type", "tool_use").put("id", use.path("id").asText())
                            .put("name", use.path("name").asText());
                    block.putObject("input");
                    open(item, block, out);
                }
                argumentsOnce(item, Json.write(use.path("input")), out);
                if (finished) {
                    return;
                }
                break;
            }
            case "reasoning": {
                if (!item.everOpened) {
                    thinking(item, ResponsesToMessagesAnswer.summary(done), out);
                }
                String signature = ResponsesToMessagesAnswer.signature(done);
                if (openItem == item && !signature.isEmpty()) {
                    delta(Json.object().put("type", "signature_delta").put("signature", signature), out);
                }
                break;
            }
            case "message":
                if (!item.everOpened) {
                    for (JsonNode part : done.path("content")) {
                        String text = Json.text(part.path("output_text".equals(part.path("type").asText()) ? "text" : "refusal"));
                        if (text != null && !text.isEmpty()) {
                            text(item, text, out);
                        }
                    }
                }
                break;
            default:
                return;
        }
        stop(item, out);
    }

    private void open(Item item, ObjectNode block, Out out) {
        stopOpen(out);
        openBlock = nextBlock++;
        openItem = item;
        item.block = openBlock;
        item.everOpened = true;
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", openBlock);
        event.set("content_block", block);
        out.event("content_block_start", event);
    }

    private void delta(ObjectNode delta, Out out) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", openBlock);
        event.set("delta", delta);
        out.event("content_block_delta", event);
    }

    private void stop(Item item, Out out) {
        if (openItem == item) {
            stopOpen(out);
        }
    }

    private void stopOpen(Out out) {
        if (openBlock >= 0) {
            out.event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", openBlock));
            openBlock = -1;
            openItem = null;
        }
    }

    private void complete(JsonNode response, Out out) {
        stopOpen(out);
        ObjectNode event = Json.object().put("type", "message_delta");
        event.putObject("delta").put("stop_reason", ResponsesToMessagesAnswer.stopReason(response, calledTools))
                .putNull("stop_sequence");
        event.set("usage", ResponsesToMessagesAnswer.counts(response.path("usage")).toMessages());
        out.event("message_delta", event);
        out.event("message_stop", Json.object().put("type", "message_stop"));
        finished = true;
    }

    private void error(ObjectNode error, Out out) {
        out.event("error", error);
        finished = true;
    }
}
