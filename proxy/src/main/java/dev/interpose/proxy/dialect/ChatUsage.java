package dev.interpose.proxy.dialect;

import java.nio.charset.StandardCharsets;

/**
 * Usage in an OpenAI Chat Completions stream: its events have no names; usage rides on an ordinary chunk
 * (the last one, when the request asked for it), and {@code data: [DONE]} ends the stream. Only a chunk whose
 * data mentions {@code "usage"} is parsed.
 */
final class ChatUsage implements UsageEvents {
    static final ChatUsage INSTANCE = new ChatUsage();
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private ChatUsage() {
    }

    @Override
    public boolean wants(String event) {
        return event == null;
    }

    @Override
    public void onEvent(String event, byte[] data, int length, Sink sink) {
        if (length == DONE.length && contains(data, length, DONE)) {
            sink.ended(true);
        } else if (contains(data, length, USAGE)) {
            sink.usage(data, length, null);
        }
    }

    private static boolean contains(byte[] data, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
