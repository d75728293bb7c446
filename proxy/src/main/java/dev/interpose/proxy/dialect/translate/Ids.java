package dev.interpose.proxy.dialect.translate;

import java.util.UUID;

/** The ids a translation makes up when the upstream gave none, and the prefixes each API's ids carry. */
final class Ids {
    private Ids() {
    }

    /** A Messages answer's id: the upstream's when it has one. */
    static String message(String upstreamId) {
        return upstreamId != null && !upstreamId.isEmpty() ? upstreamId : "msg_" + random();
    }

    /** A tool call's id: the upstream's when it has one (ids stay stable across turns), else a new one. */
    static String toolUse(String upstreamId, int index) {
        return upstreamId != null && !upstreamId.isEmpty() ? upstreamId : "call_" + random() + "_" + index;
    }

    static String random() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
