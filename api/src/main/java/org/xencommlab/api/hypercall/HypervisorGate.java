package org.xencommlab.api.hypercall;

/**
 * The hardware boundary between a guest's virtual CPUs and the hypervisor: the hypercall
 * instruction and the page-table base register. The hypervisor implements it; a guest kernel
 * reaches the hypervisor through nothing else.
 *
 * <p>An implementation must guarantee that {@link #hypercall} never throws for any argument
 * values: every failure is a negative Xen errno, and a failed call changes no hypervisor state
 * beyond the work it reports done. A preempted hypercall is continued inside this call (the vCPU
 * re-executes the instruction with the arguments the hypervisor rewrote), so the caller sees one
 * final result; each re-entry counts as a hypervisor entry.
 */
public interface HypervisorGate {
    /**
     * Executes hypercall {@code op} for vCPU {@code vcpu} of domain {@code domid}.
     *
     * @param args the argument words; missing words read as 0, more than five is -EINVAL
     * @return the result, or a negative Xen errno
     */
    long hypercall(int domid, int vcpu, long op, long... args);

    /** Loads the vCPU's page-table base register (CR3) with guest-physical {@code rootTable}. */
    void loadPageTableBase(int domid, int vcpu, long rootTable);

    /**
     * Domain {@code domid}'s guest-physical memory as its CPUs see it (the memory bus: every
     * access goes through the domain's p2m to machine memory).
     *
     * @throws IllegalArgumentException if there is no such domain
     */
    org.xencommlab.api.memory.GuestPhysicalMemory physicalMemory(int domid);
}
