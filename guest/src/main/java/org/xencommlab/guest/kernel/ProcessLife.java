package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * The life cycle of one process, as a state machine: alive, exiting (its teardown has begun), dead
 * (torn down); how deep it is in system calls; a kill that waits for its return to user mode; and
 * whether it died by a kill. It decides, and the caller acts:
 * <ul>
 *   <li>a system call may start only while the process is alive ({@link #enterSystemCall});</li>
 *   <li>a kill outside a system call tears the process down at once; inside one it stays pending
 *       ({@link #requestKill}) until the outermost call returns to user mode
 *       ({@link #leaveSystemCall} then says so);</li>
 *   <li>exactly one teardown moves the process out of alive ({@link #beginTeardown}); its last
 *       step makes it dead ({@link #finishTeardown});</li>
 *   <li>a kernel-mode helper a driver calls still works while the process exits, not once it is
 *       dead ({@link #whileNotDead}).</li>
 * </ul>
 * Whatever is refused is refused with ESRCH ({@link #gone()}) and changes nothing.
 *
 * <p>Locking: its state is guarded by the kernel's memory lock ({@link PageReclaim#lock()}),
 * which every method takes itself (the monitor is re-entrant, so a caller may already hold it).
 * The same lock guards the process's {@link AddressSpace}, so a check made here and the memory
 * operation it guards ({@link #whileNotDead}, {@link #unlessDead}, the {@code underLock} steps of
 * a teardown) are one step that no teardown or reclaim can split.
 */
final class ProcessLife {
    private enum State {
        ALIVE,
        EXITING,
        DEAD
    }

    private final Object lock;
    private final int domid;
    private final int pid;
    private State state = State.ALIVE;
    private int syscallDepth;
    private boolean killPending;
    private boolean killed;

    /** @param lock the kernel's memory lock */
    ProcessLife(Object lock, int domid, int pid) {
        this.lock = requireNonNull(lock, "lock is null");
        this.domid = domid;
        this.pid = pid;
    }

    boolean isAlive() {
        synchronized (lock) {
            return state == State.ALIVE;
        }
    }

    /** Whether it died (or is being torn down) by a kill rather than an exit. */
    boolean wasKilled() {
        synchronized (lock) {
            return killed;
        }
    }

    boolean inSystemCall() {
        synchronized (lock) {
            return syscallDepth > 0;
        }
    }

    /** A system call starts (or an {@code exit_group}); ESRCH unless alive. */
    void enterSystemCall() {
        synchronized (lock) {
            if (state != State.ALIVE) {
                throw gone();
            }
            syscallDepth++;
        }
    }

    /**
     * A system call returns (or an {@code exit_group} leaves its scheduling point).
     *
     * @return true if this is the return to user mode and a kill waits for it: the caller tears the
     *     process down by kill (an {@code exit_group} ignores it: the process exits either way)
     */
    boolean leaveSystemCall() {
        synchronized (lock) {
            if (syscallDepth == 0) {
                throw new IllegalStateException("pid " + pid + " is not in a system call");
            }
            syscallDepth--;
            return syscallDepth == 0 && killPending && state == State.ALIVE;
        }
    }

    /** What a kill does now: see {@link #requestKill}. */
    enum Kill {
        /** The process is alive and outside a system call: the caller tears it down now. */
        NOW,
        /** The process is inside a system call: the kill waits for its return to user mode. */
        AT_RETURN_TO_USER,
        /** The process is already exiting or dead. */
        NONE
    }

    /** A kill arrives: see {@link Kill} for what the caller does. */
    Kill requestKill() {
        synchronized (lock) {
            if (state != State.ALIVE) {
                return Kill.NONE;
            }
            if (syscallDepth > 0) {
                killPending = true;
                return Kill.AT_RETURN_TO_USER;
            }
            return Kill.NOW;
        }
    }

    /** Whether a kill waits for the return to user mode. */
    boolean killPending() {
        synchronized (lock) {
            return killPending && state == State.ALIVE;
        }
    }

    /**
     * Begins the teardown: only the first call on a live process gets true; it runs
     * {@code underLock} in the same step (the address space stops being reclaimable, say).
     */
    boolean beginTeardown(boolean byKill, Runnable underLock) {
        synchronized (lock) {
            if (state != State.ALIVE) {
                return false;
            }
            state = State.EXITING;
            killed = byKill;
            underLock.run();
            return true;
        }
    }

    /** Ends the teardown begun by {@link #beginTeardown}: runs {@code underLock} and the process is dead, in one step. */
    <T> T finishTeardown(Supplier<T> underLock) {
        synchronized (lock) {
            if (state != State.EXITING) {
                throw new IllegalStateException("pid " + pid + " is not exiting");
            }
            T result = underLock.get();
            state = State.DEAD;
            return result;
        }
    }

    /** ESRCH unless the process is alive (a user-mode access starts). */
    void checkAlive() {
        synchronized (lock) {
            if (state != State.ALIVE) {
                throw gone();
            }
        }
    }

    /** Runs {@code helper} under the lock unless the process is dead (it may be exiting); ESRCH once dead. */
    <T> T whileNotDead(Supplier<T> helper) {
        synchronized (lock) {
            if (state == State.DEAD) {
                throw gone();
            }
            return helper.get();
        }
    }

    /** Runs {@code helper} under the lock unless the process is dead; once dead, runs nothing and returns {@code whenDead}. */
    <T> T unlessDead(Supplier<T> helper, T whenDead) {
        synchronized (lock) {
            return state == State.DEAD ? whenDead : helper.get();
        }
    }

    /** The ESRCH a call on a process that is no longer alive gets. */
    XenException gone() {
        synchronized (lock) {
            return new XenException(XenErrno.ESRCH, "process " + pid + " of domain " + domid + (killed ? " was killed" : " has exited"));
        }
    }
}
