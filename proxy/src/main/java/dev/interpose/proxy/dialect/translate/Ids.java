package dev.interpose.proxy.dialect.translate;

import java.util.UUID;

/** The ids a translation makes up when the upstream gave none, and the prefixes each API's ids carry. */
final class Ids {
    private Ids() {
    }

    /** A Messages answer's id: the upstream's when it has one. */
    static String message(String upstreamId) {
        return upstreamId != null && !upstreamId.isEmpty() ? upstreamId : newMessage();
    }

    /**
     * The id of the Messages answer a Messages client (Claude Code) is given for one translated request: a new one,
     * never the upstream's. Claude Code takes assistant messages that share an id for parts of one answer and joins
     * them, so two turns of a conversation must never share one; an OpenAI-compatible server's id does not promise
     * that (Ollama's are {@code chatcmpl-} and a number below 999).
     */
    static String newMessage() {
        return "msg_" + random();
    }

    /** A tool call's id: the upstream's when it has one (ids stay stable across turns), else a new one. */
    static String toolUse(String upstreamId, int index) {
        return upstreamId != null && !upstreamId.isEmpty() ? upstreamId : "call_" + random() + "_" + index;
    }

    static String random() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
