package dev.interpose.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer. Registered for every test class by JUnit's
 * extension auto-detection; it installs a leak detector factory before any buffer class is loaded (the
 * surefire configuration sets the level to paranoid), then after each class forces a collection and a
 * round of allocations so that leaks are reported, and fails with their access records.
 */
public final class LeakGuard implements AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (int round = 0; round < 3 && LEAKS.isEmpty(); round++) {
            collect();
            for (int i = 0; i < 64; i++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(64);
                a.release();
                b.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            String report = String.join("\n\n", LEAKS);
            LEAKS.clear();
            throw new AssertionError("Netty reported leaked buffers after " + context.getDisplayName() + ":\n" + report);
        }
    }

    /**
     * Runs the collector until it has cleared and enqueued a probe that was unreachable from the start, twice.
     * The reference handler enqueues one batch of cleared references before it takes the next, so once the
     * second probe is on its queue every leak detector reference the first collection cleared is on its own
     * (a fixed pause could end first on a busy machine, and a leak would go unreported).
     */
    private static void collect() throws InterruptedException {
        for (int pass = 0; pass < 2; pass++) {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            WeakReference<Object> probe = new WeakReference<>(new Object(), queue);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            System.gc();
            while (queue.remove(20) == null) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("no collection within 10 s: leaked buffers cannot be looked for");
                }
                System.gc();
            }
            Reference.reachabilityFence(probe);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return new ResourceLeakDetector<T>(resource, samplingInterval, maxActive) {
                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    LEAKS.add("LEAK " + resourceType + records);
                    super.reportTracedLeak(resourceType, records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    LEAKS.add("LEAK " + resourceType + " (untraced)");
                    super.reportUntracedLeak(resourceType);
                }
            };
        }
    }
}
