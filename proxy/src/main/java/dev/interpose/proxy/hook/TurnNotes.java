package dev.interpose.proxy.hook;

import dev.interpose.hooks.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * What the request-side hooks of one request said for the person rather than the model: every
 * {@code systemMessage}, in the order the events ran, and the first {@code sessionTitle}. They ride on the
 * request's {@link RequestHooks.Decision}: the messages are shown in the answer the proxy gives itself, the title
 * goes into the access-log line. Confined to the thread deciding the request.
 */
final class TurnNotes {
    private final List<String> messages = new ArrayList<>();
    private String title;

    /** Takes note of what {@code verdict} said for the person; returns it. */
    Verdict noted(Verdict verdict) {
        messages.addAll(verdict.systemMessages());
        if (title == null && verdict.sessionTitle() != null && !verdict.sessionTitle().isBlank()) {
            title = verdict.sessionTitle().strip();
        }
        return verdict;
    }

    /** The request is answered here: blocked, or stopped ({@code continue: false}) by the hook of {@code verdict}. */
    RequestHooks.Decision ended(Verdict verdict, boolean stream) {
        return new RequestHooks.Decision(verdict.blockedBy(), verdict.reason(), null, stream, null, null,
                verdict.stopped(), messages, title);
    }

    /** A command answered the request with {@code reply}. */
    RequestHooks.Decision reply(String reply, boolean stream) {
        return new RequestHooks.Decision(null, null, null, stream, reply, null, false, messages, title);
    }

    /** The request goes on, with {@code body} instead of its own (null: unchanged). */
    RequestHooks.Decision forward(dev.interpose.proxy.body.RequestBody body) {
        if (body == null && messages.isEmpty() && title == null) {
            return RequestHooks.Decision.UNCHANGED;
        }
        return new RequestHooks.Decision(null, null, body, false, null, null, false, messages, title);
    }
}
