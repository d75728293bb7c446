package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ToolGate} on the calling thread, fed a whole stream in chunks and then told it ended: the gate,
 * what it gave the client, and how often its end ran (0 while it still holds a call, or once it refused).
 */
record GateRun(ToolGate gate, GateSink sink, AtomicInteger ended) {

    static GateRun of(ApiDialect api, ToolJudge judge, GateSink sink, byte[] stream, int chunk) {
        ToolGate gate = new ToolGate(api, judge, Runnable::run, sink);
        GateSink.feed(gate, stream, chunk);
        AtomicInteger ended = new AtomicInteger();
        gate.end(ended::incrementAndGet);
        return new GateRun(gate, sink, ended);
    }
}
