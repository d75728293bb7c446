package dev.interpose.proxy.dialect;

/**
 * Usage in an OpenAI Responses stream: only the final event carries it, in its {@code response}:
 * {@code response.completed} ends the stream with a whole answer, {@code response.incomplete} and
 * {@code response.failed} without one.
 */
final class ResponsesUsage implements UsageEvents {
    static final ResponsesUsage INSTANCE = new ResponsesUsage();

    private ResponsesUsage() {
    }

    @Override
    public boolean wants(String event) {
        return "response.completed".equals(event) || "response.incomplete".equals(event)
                || "response.failed".equals(event);
    }

    @Override
    public void onEvent(String event, byte[] data, int length, Sink sink) {
        sink.ended("response.completed".equals(event));
        sink.usage(data, length, "response");
    }
}
