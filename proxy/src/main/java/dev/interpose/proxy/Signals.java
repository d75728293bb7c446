package dev.interpose.proxy;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling. A JVM shutdown hook would run too, but then the process exits 143 and the
 * drain races the JVM's own exit; handling the signals lets {@code main} drain and exit 0.
 */
final class Signals {
    private Signals() {
    }

    /** Runs {@code action} (once per signal, on the JVM's signal thread) on SIGTERM or SIGINT. */
    static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> action.run());
            } catch (IllegalArgumentException e) {
                // the platform has no such signal, or the JVM reserves it: the default behaviour stays
            }
        }
    }
}
