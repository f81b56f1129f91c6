package org.xencommlab.hypervisor.domain;

/** A virtual CPU of a domain, with the one register the hypervisor models: the page-table base. */
public final class Vcpu {
    private final int id;
    private volatile long pageTableBase;

    Vcpu(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The guest-physical address of the root page table this vCPU runs on (CR3 on x86). */
    public long pageTableBase() {
        return pageTableBase;
    }

    /** Loads the page-table base register. */
    public void loadPageTableBase(long rootTable) {
        this.pageTableBase = rootTable;
    }
}
