package dev.interpose.config;

import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * A timeout on every jqwik try of every module (registered in {@code META-INF/services}): jqwik has none of its
 * own, and {@code junit.jupiter.execution.timeout.default} does not reach its engine. At the deadline the try's
 * thread is interrupted, as JUnit's same-thread timeout does, so a try blocked in a sleep, a wait, a process or
 * an NIO channel ends there and is reported as falsified. Per try, so the fuzz profile's million tries are
 * bounded the same way as CI's thousand. The modules after this one take it from its test-jar.
 */
public final class TryTimeout implements AroundTryHook {
    /** Far beyond what any one try takes (milliseconds), short of hanging a CI run; -Dinterpose.try-timeout-seconds. */
    static final Duration LIMIT = Duration.ofSeconds(Long.getLong("interpose.try-timeout-seconds", 60));
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int EXPIRED = 2;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jqwik-try-timeout");
        t.setDaemon(true);
        return t;
    });

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public boolean appliesTo(Optional<AnnotatedElement> element) {
        return true;
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters)
            throws Throwable {
        Thread runner = Thread.currentThread();
        AtomicInteger state = new AtomicInteger(RUNNING);
        Future<?> alarm = WATCHDOG.schedule(() -> {
            if (state.compareAndSet(RUNNING, EXPIRED)) {
                runner.interrupt();
            }
        }, LIMIT.toNanos(), TimeUnit.NANOSECONDS);
        TryExecutionResult result = null;
        Throwable failure = null;
        try {
            result = aTry.execute(parameters);
        } catch (Throwable e) {
            failure = e;
        }
        if (state.compareAndSet(RUNNING, DONE)) {
            alarm.cancel(false);
            if (failure != null) {
                throw failure;
            }
            return result;
        }
        awaitAlarm(alarm); // its interrupt has landed: clear it, so that it does not reach the next try
        Thread.interrupted();
        AssertionError timedOut = new AssertionError("the try did not end within " + LIMIT.toSeconds() + " s");
        if (failure != null) {
            timedOut.addSuppressed(failure);
        }
        return TryExecutionResult.falsified(timedOut);
    }

    private static void awaitAlarm(Future<?> alarm) {
        while (true) {
            try {
                alarm.get();
                return;
            } catch (InterruptedException e) {
                // the alarm's own interrupt, arriving while we wait for it: the caller clears the flag
            } catch (ExecutionException e) {
                return;
            }
        }
    }
}
