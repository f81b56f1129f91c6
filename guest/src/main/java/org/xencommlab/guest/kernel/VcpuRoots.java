package org.xencommlab.guest.kernel;

import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.memory.PageSize;

/**
 * Which root page table each vCPU of a domain runs on, as its kernel loaded it (Linux's
 * {@code switch_mm}): a process's root while it runs, the kernel's root otherwise. A switch loads
 * the new base through the gate only when it changes. At boot every vCPU is on the kernel's root.
 *
 * <p>Locking: it owns its own monitor, separate from the kernel's memory lock, and holds it while
 * it loads a base through the gate, so a vCPU's recorded root and the hypervisor's always agree.
 * Callers must not hold the memory lock when they switch.
 */
final class VcpuRoots {
    private final int domid;
    private final PageSize pageSize;
    private final HypervisorGate gate;
    private final long kernelRoot;
    private final long[] roots;

    VcpuRoots(int domid, int vcpus, long kernelRoot, HypervisorGate gate, PageSize pageSize) {
        this.domid = domid;
        this.pageSize = pageSize;
        this.gate = gate;
        this.kernelRoot = kernelRoot;
        this.roots = new long[vcpus];
        for (int vcpu = 0; vcpu < vcpus; vcpu++) {
            roots[vcpu] = kernelRoot;
            gate.loadPageTableBase(domid, vcpu, pageSize.addressOf(kernelRoot));
        }
    }

    int count() {
        return roots.length;
    }

    long current(int vcpu) {
        synchronized (roots) {
            return roots[vcpu];
        }
    }

    /** Loads {@code root} into {@code vcpu} if it is not there. */
    void switchTo(int vcpu, long root) {
        synchronized (roots) {
            if (roots[vcpu] != root) {
                roots[vcpu] = root;
                gate.loadPageTableBase(domid, vcpu, pageSize.addressOf(root));
            }
        }
    }

    /** Before the tables under {@code root} are freed: every vCPU on them goes back to the kernel's root. */
    void switchAwayFrom(long root) {
        synchronized (roots) {
            for (int vcpu = 0; vcpu < roots.length; vcpu++) {
                if (roots[vcpu] == root) {
                    roots[vcpu] = kernelRoot;
                    gate.loadPageTableBase(domid, vcpu, pageSize.addressOf(kernelRoot));
                }
            }
        }
    }
}
