package org.xencommlab.guest.kernel;

import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;

/**
 * The clean-ups of one process: those registered with {@link GuestProcess#atExit}, taken last
 * registered first at teardown (each once), and a count of the clean-ups that threw. A clean-up
 * that throws is counted and traced and does not stop the others.
 *
 * <p>Locking: its own monitor guards the list and the count, and is never held while a clean-up
 * runs. {@link ProcessControl}, which owns it, may take it while it holds the kernel's memory
 * lock (so that "register unless dead" is one step), never the other way round.
 */
final class ExitCleanups {
    private final Trace trace;
    private final int domid;
    private final int pid;
    private final List<Runnable> pending = new ArrayList<>();
    private int failures;

    ExitCleanups(Trace trace, int domid, int pid) {
        this.trace = trace;
        this.domid = domid;
        this.pid = pid;
    }

    synchronized void add(Runnable cleanup) {
        pending.add(cleanup);
    }

    /** Drops the last registration of {@code cleanup} (by identity), if any. */
    synchronized void cancel(Runnable cleanup) {
        for (int i = pending.size() - 1; i >= 0; i--) {
            if (pending.get(i) == cleanup) {
                pending.remove(i);
                return;
            }
        }
    }

    /** The last clean-up registered, removed; null when none is left. */
    synchronized Runnable takeLast() {
        return pending.isEmpty() ? null : pending.remove(pending.size() - 1);
    }

    synchronized int pending() {
        return pending.size();
    }

    synchronized int failures() {
        return failures;
    }

    /** Runs each of {@code work} in order; {@code what} names them in the trace of a failure. */
    void runAll(List<Runnable> work, String what) {
        for (Runnable runnable : work) {
            try {
                runnable.run();
            } catch (RuntimeException e) {
                synchronized (this) {
                    failures++;
                }
                trace.event(TraceKind.PROCESS, domid, () -> "pid " + pid + " " + what + " failed: " + e);
            }
        }
    }
}
