package org.xencommlab.api.sched;

/**
 * The places where the simulation may switch to another activity (a process, a vCPU, the
 * swapper, compaction). Every one is explicit, so a deterministic scheduler can interleave work,
 * and a test can kill a process or move a page at each point in turn.
 */
public enum SchedulingPoint {
    /** A guest enters the hypervisor (a hypercall instruction, or a continuation's re-entry). */
    HYPERCALL_ENTRY,
    /** The hypervisor is about to read one piece of guest memory. */
    GUEST_READ,
    /** The hypervisor is about to write one piece of guest memory. */
    GUEST_WRITE,
    /** A preempted hypercall is about to be continued. */
    CONTINUATION,
    /** A process enters the kernel with a system call. */
    SYSCALL,
    /** A process returns to user mode. */
    RETURN_TO_USER
}
