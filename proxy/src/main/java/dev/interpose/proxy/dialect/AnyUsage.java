package dev.interpose.proxy.dialect;

/** The usage events of every API together: each event goes to the one API that names it. */
final class AnyUsage implements UsageEvents {
    static final AnyUsage INSTANCE = new AnyUsage();
    private static final UsageEvents[] ALL = {MessagesUsage.INSTANCE, ResponsesUsage.INSTANCE, ChatUsage.INSTANCE};

    private AnyUsage() {
    }

    @Override
    public boolean wants(String event) {
        return of(event) != null;
    }

    @Override
    public void onEvent(String event, byte[] data, int length, Sink sink) {
        UsageEvents api = of(event);
        if (api != null) {
            api.onEvent(event, data, length, sink);
        }
    }

    private static UsageEvents of(String event) {
        for (UsageEvents api : ALL) {
            if (api.wants(event)) {
                return api;
            }
        }
        return null;
    }
}
