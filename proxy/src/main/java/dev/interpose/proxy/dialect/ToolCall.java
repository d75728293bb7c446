package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One tool call of an answer, as a gate asks the hooks about it.
 *
 * @param key   where the call sits: its content block index (Messages), output index (Responses) or tool-call
 *              index (Chat) in a stream; its position in the list of a whole answer
 * @param id    the call's id, or null when the answer gave none
 * @param name  the tool it calls; null when a stream's call has started but does not say it for good yet (Chat)
 * @param input what it asks the tool to do; null at the start of a streamed call
 */
public record ToolCall(int key, String id, String name, JsonNode input) {
}
