package org.xencommlab.guest.sched;

/** Something the scheduler can kill at a chosen point: a process. */
@FunctionalInterface
public interface Killable {
    /**
     * Kills it: immediately, or (Linux semantics) at its next return to user mode if it is inside
     * a system call. Killing something already dead does nothing.
     */
    void kill();
}
