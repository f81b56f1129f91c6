package org.xencommlab.api.metrics;

/** Monotonic counts of one run (docs/SOURCES.md section 6). Names are the report's metric names. */
public enum Counter {
    HYPERCALLS("hypercalls", "hypercalls issued by guests (continuations not included)"),
    HYPERVISOR_ENTRIES("hypervisorEntries", "entries into the hypervisor, continuations included"),
    CONTINUATIONS("continuations", "hypercalls preempted and continued"),
    GUEST_SYSCALLS("guestSyscalls", "system calls made by guest processes"),
    MLOCK_CALLS("mlockCalls", "mlock system calls"),
    MUNLOCK_CALLS("munlockCalls", "munlock system calls"),
    MLOCKED_PAGES("mlockedPages", "pages named by mlock calls"),
    MUNLOCKED_PAGES("munlockedPages", "pages named by munlock calls"),
    REGISTRATIONS("registrations", "buffers registered with the hypervisor"),
    UNREGISTRATIONS("unregistrations", "registrations removed"),
    DESCRIPTORS("descriptors", "xencomm descriptors built by a guest kernel"),
    DESCRIPTOR_ENTRIES("descriptorEntries", "address entries written into xencomm descriptors"),
    BYTES_TO_HYPERVISOR("bytesToHypervisor", "bytes copied from guest memory by the hypervisor"),
    BYTES_TO_GUEST("bytesToGuest", "bytes copied to guest memory by the hypervisor"),
    TRANSLATION_STEPS("translationSteps", "page-table entries, descriptor entries or registration lookups read to resolve references"),
    HYPERVISOR_FAULTS("hypervisorFaults", "guest pieces the hypervisor could not reach (copy faults)"),
    PAGE_FAULTS("pageFaults", "guest page faults (demand paging, swap-in)"),
    SWAP_OUTS("swapOuts", "pages the swapper evicted"),
    SWAP_INS("swapIns", "pages brought back from swap"),
    MIGRATIONS("migrations", "pages moved by compaction"),
    RETRIES("retries", "hypercalls a guest library retried, and buffers re-made larger"),
    KERNEL_COPY_BYTES("kernelCopyBytes", "bytes the guest kernel copied between user and kernel memory"),
    EXTENTS_DONE("extentsDone", "memory_op extents completed");

    private final String reportName;
    private final String description;

    Counter(String reportName, String description) {
        this.reportName = reportName;
        this.description = description;
    }

    public String reportName() {
        return reportName;
    }

    public String description() {
        return description;
    }
}
