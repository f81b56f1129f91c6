package org.xencommlab.guest.memory;

/** What a guest frame is used for, as the kernel's frame allocator records it. */
public enum FrameUse {
    /** Free RAM, available to the allocator. */
    FREE,
    /** Kept by the kernel at boot (its image, low memory); never handed out. */
    RESERVED,
    /** Kernel memory: the kernel heap, contiguous reservations. Mapped in the kernel's direct map. */
    KERNEL,
    /** A page table (a process's or the kernel's). */
    PAGE_TABLE,
    /** A user page of a process (anonymous memory). */
    USER,
    /** Not RAM the domain holds now: given to the hypervisor by the balloon driver, or never populated. */
    BALLOONED
}
