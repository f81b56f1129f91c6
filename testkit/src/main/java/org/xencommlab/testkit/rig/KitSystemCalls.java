package org.xencommlab.testkit.rig;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * The system calls of one fake user process, as a guest kernel runs them: each is entered through
 * the process (which refuses it with ESRCH once the process is gone and counts it), named in
 * {@link #names()}, and a kill that arrived meanwhile ({@link #killDuringNextCall}) is delivered at
 * the return to user mode of the outermost call: the process exits and the caller sees ESRCH.
 * {@link KitProcess} uses it, and so can a module's own process fake. Thread-safe; its monitor is
 * never held while a call's body or the exit runs.
 */
public final class KitSystemCalls {
    /** What a system call needs of its process. */
    public interface Process {
        /** Refuses the call with ESRCH if the process is gone; counts it otherwise. */
        void enterSystemCall();

        boolean isAlive();

        /** Exit (or kill), as the process does it. */
        void exit();

        int pid();
    }

    private final Process process;
    private final List<String> names = new ArrayList<>();
    private int depth;
    private boolean killPending;

    public KitSystemCalls(Process process) {
        this.process = process;
    }

    /** Runs {@code body} as the system call {@code name} of the process. */
    public <T> T call(String name, Supplier<T> body) {
        process.enterSystemCall();
        synchronized (this) {
            names.add(name);
            depth++;
        }
        T result;
        try {
            result = body.get();
        } finally {
            boolean deliver;
            synchronized (this) {
                depth--;
                deliver = depth == 0 && killPending;
                if (deliver) {
                    killPending = false;
                }
            }
            if (deliver) {
                process.exit();
            }
        }
        if (!process.isAlive()) {
            throw new XenException(XenErrno.ESRCH, "process " + process.pid() + " was killed during " + name);
        }
        return result;
    }

    /** A kill that arrives while the next system call runs; delivered at its return to user mode. */
    public synchronized void killDuringNextCall() {
        killPending = true;
    }

    /** Names of the calls made, in order. */
    public synchronized List<String> names() {
        return List.copyOf(names);
    }
}
