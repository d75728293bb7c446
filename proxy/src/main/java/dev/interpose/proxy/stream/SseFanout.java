package dev.interpose.proxy.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Shares one {@link SseDecoder} among several listeners: an event's data is kept when any of them wants it,
 * and each event goes to exactly the listeners that wanted it, so a listener that wants nothing costs
 * nothing and gets nothing. Listeners are added before the decoder is built (it asks about unnamed events
 * once, when built). Not thread-safe: one per stream, on its event loop.
 */
public final class SseFanout implements SseDecoder.Listener {
    /** A bit per listener: the decoder's state is one event at a time, so one mask for the current one. */
    private static final int MAX_LISTENERS = Long.SIZE;

    private final List<SseDecoder.Listener> listeners = new ArrayList<>(2);
    /** Who wants events without an {@code event:} line; known once the decoder is built. */
    private long unnamed;
    /** Who wants the current named event, decided on its {@code event:} line. */
    private long named;

    /** Adds a listener, before the decoder that feeds this fan-out is built. */
    public void add(SseDecoder.Listener listener) {
        if (listeners.size() == MAX_LISTENERS) {
            throw new IllegalStateException("at most " + MAX_LISTENERS + " listeners");
        }
        listeners.add(listener);
    }

    public boolean isEmpty() {
        return listeners.isEmpty();
    }

    @Override
    public boolean wants(String event) {
        long mask = 0;
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i).wants(event)) {
                mask |= 1L << i;
            }
        }
        if (event == null) {
            unnamed = mask;
        } else {
            named = mask;
        }
        return mask != 0;
    }

    @Override
    public void onEvent(String event, byte[] data, int length, boolean truncated) {
        long mask = event == null ? unnamed : named;
        for (int i = 0; mask != 0; i++, mask >>>= 1) {
            if ((mask & 1) != 0) {
                listeners.get(i).onEvent(event, data, length, truncated);
            }
        }
    }
}
