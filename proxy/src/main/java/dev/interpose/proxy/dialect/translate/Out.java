package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where a stream step writes the events of its target API. Confined to the stream's thread. */
interface Out {
    /** One event: its {@code event:} name (null for none, as in Chat) and its data. */
    void event(String name, ObjectNode data);

    /** Chat's last event, {@code data: [DONE]}. */
    void done();
}
