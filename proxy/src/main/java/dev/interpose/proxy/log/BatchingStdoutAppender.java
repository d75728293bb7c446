package dev.interpose.proxy.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.logstash.logback.encoder.StreamingEncoder;

/**
 * Writes log lines to stdout in batches from one background thread, so that logging costs an event loop
 * one non-blocking queue offer: no thread wake-up, no encoding, no system call per line. The writer wakes
 * every {@code flushMillis} (20 by default), encodes what is queued with the configured encoder and writes
 * it in one system call; lines reach stdout at most that late. When the queue is full a line is dropped,
 * never waited for, and the number dropped is itself logged. {@link #stop} writes out everything queued.
 * After about a second with nothing to write the writer parks until the next line (one wake-up per idle
 * spell), so an idle proxy does not wake fifty times a second.
 *
 * <p>Logback's own AsyncAppender wakes its worker and writes once per line, which on a loaded two-core
 * machine cost the proxy a fifth of its throughput.
 */
public final class BatchingStdoutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final int IDLE_ROUNDS_BEFORE_SLEEP = 50;

    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 65536;
    private int flushMillis = 20;
    private ArrayBlockingQueue<ILoggingEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
    private Thread writer;
    /** Set by the writer before it parks with no deadline; the next append wakes it (once per idle spell). */
    private volatile boolean asleep;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setFlushMillis(int flushMillis) {
        this.flushMillis = flushMillis;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder set for " + name);
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        writer = new Thread(this::writeLoop, "interpose-log-writer");
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
        if (asleep) {
            asleep = false;
            LockSupport.unpark(writer);
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        asleep = false;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private void writeLoop() {
        List<ILoggingEvent> batch = new ArrayList<>(1024);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        int idleRounds = 0;
        while (true) {
            boolean running = isStarted();
            queue.drainTo(batch);
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                out.writeBytes(("{\"level\":\"WARN\",\"logger_name\":\"interpose.log\",\"message\":\"dropped " + lost
                        + " log lines: stdout is not keeping up\"}\n").getBytes(StandardCharsets.UTF_8));
            }
            idleRounds = batch.isEmpty() && lost == 0 ? idleRounds + 1 : 0;
            for (ILoggingEvent event : batch) {
                try {
                    if (encoder instanceof StreamingEncoder) {
                        ((StreamingEncoder<ILoggingEvent>) encoder).encode(event, out); // no byte[] per line
                    } else {
                        out.writeBytes(encoder.encode(event));
                    }
                } catch (RuntimeException | IOException e) {
                    addError("cannot encode a log line", e);
                }
            }
            batch.clear();
            if (out.size() > 0) {
                try {
                    out.writeTo(stdout);
                } catch (IOException e) {
                    addError("cannot write to stdout", e);
                }
                out.reset();
            }
            if (!running) {
                return;
            }
            if (idleRounds >= IDLE_ROUNDS_BEFORE_SLEEP) {
                // Idle for a while: sleep until the next line instead of waking every flushMillis.
                asleep = true;
                if (queue.isEmpty() && isStarted()) {
                    LockSupport.park(this);
                }
                asleep = false;
                idleRounds = 0;
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(flushMillis));
            }
        }
    }
}
