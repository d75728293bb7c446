package dev.interpose.bench;

import java.nio.charset.StandardCharsets;

/**
 * The answers the fake upstream streams for {@code --translate}: the same text, in the same number of text
 * deltas, as an Anthropic Messages stream and as an OpenAI Chat Completions stream (with the usage chunk and
 * {@code [DONE]} a Chat server sends when asked for usage, as the proxy asks), and the Chat JSON answer
 * carrying the text of {@link FakeUpstream#JSON}.
 */
final class BenchStreams {
    /** The text of every delta. */
    static final String DELTA = "bench ";

    static final byte[] CHAT_JSON = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"qwen3-coder\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}")
            .getBytes(StandardCharsets.UTF_8);

    private BenchStreams() {
    }

    /** A Messages stream of {@code deltas} text deltas. */
    static byte[] anthropic(int deltas) {
        StringBuilder sse = new StringBuilder(anthropicStart());
        for (int i = 0; i < deltas; i++) {
            sse.append(anthropicDelta());
        }
        return sse.append(anthropicEnd(deltas)).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What a Messages stream sends before its first delta: message_start, content_block_start, ping. */
    static String anthropicStart() {
        StringBuilder sse = new StringBuilder();
        event(sse, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-bench\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
        event(sse, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        event(sse, "ping", "{\"type\":\"ping\"}");
        return sse.toString();
    }

    /** One text delta of a Messages stream. */
    static String anthropicDelta() {
        StringBuilder sse = new StringBuilder();
        event(sse, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + DELTA + "\"}}");
        return sse.toString();
    }

    /** What a Messages stream of {@code deltas} deltas sends after the last. */
    static String anthropicEnd(int deltas) {
        StringBuilder sse = new StringBuilder();
        event(sse, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        event(sse, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + deltas + "}}");
        event(sse, "message_stop", "{\"type\":\"message_stop\"}");
        return sse.toString();
    }

    /** A Chat stream of {@code deltas} content chunks, between the role chunk and the finish and usage chunks. */
    static byte[] chat(int deltas) {
        StringBuilder sse = new StringBuilder();
        chunk(sse, "{\"role\":\"assistant\",\"content\":\"\"}", "null");
        for (int i = 0; i < deltas; i++) {
            chunk(sse, "{\"content\":\"" + DELTA + "\"}", "null");
        }
        chunk(sse, "{}", "\"stop\"");
        sse.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"qwen3-coder\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":")
                .append(deltas).append(",\"total_tokens\":").append(10 + deltas).append("}}\n\n");
        sse.append("data: [DONE]\n\n");
        return sse.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void event(StringBuilder sse, String name, String data) {
        sse.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
    }

    private static void chunk(StringBuilder sse, String delta, String finish) {
        sse.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"qwen3-coder\",\"choices\":[{\"index\":0,\"delta\":").append(delta)
                .append(",\"finish_reason\":").append(finish).append("}]}\n\n");
    }
}
