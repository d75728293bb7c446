package dev.interpose.proxy.dialect;

/**
 * Usage in an Anthropic Messages stream: the input counts (and the model) in {@code message_start}'s
 * {@code message}, the final counts in {@code message_delta}; {@code message_stop} ends the stream.
 */
final class MessagesUsage implements UsageEvents {
    static final MessagesUsage INSTANCE = new MessagesUsage();

    private MessagesUsage() {
    }

    @Override
    public boolean wants(String event) {
        return "message_start".equals(event) || "message_delta".equals(event) || "message_stop".equals(event);
    }

    @Override
    public void onEvent(String event, byte[] data, int length, Sink sink) {
        switch (event) {
            case "message_start" -> sink.usage(data, length, "message");
            case "message_delta" -> sink.usage(data, length, null);
            default -> sink.ended(true); // message_stop
        }
    }
}
