package org.xencommlab.api.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A monotonic count of one run (docs/SOURCES.md section 6), and the handle code counts it with
 * ({@link RunMetrics#increment}, {@link RunMetrics#add}). The constants here are the core counts
 * every configuration shares; an arch or strategy defines its own with {@link #define} in a
 * {@code static final} field and lists it in its plugin's {@code metrics()} (see
 * {@link MetricDefinition} for what a definition must guarantee).
 *
 * <p>Each handle gets a slot number when it is defined; {@link RunMetrics} indexes its storage by
 * it, so counting never looks a name up. Handles compare by identity.
 */
public final class Counter implements MetricDefinition {
    private static final AtomicInteger NEXT = new AtomicInteger();

    public static final Counter HYPERCALLS = define("hypercalls", "hypercalls issued by guests (continuations not included)", "calls");
    public static final Counter HYPERVISOR_ENTRIES = define("hypervisorEntries", "entries into the hypervisor, continuations included", "entries");
    public static final Counter CONTINUATIONS = define("continuations", "hypercalls preempted and continued", "continuations");
    public static final Counter GUEST_SYSCALLS = define("guestSyscalls", "system calls made by guest processes", "calls");
    public static final Counter MLOCK_CALLS = define("mlockCalls", "mlock system calls", "calls");
    public static final Counter MUNLOCK_CALLS = define("munlockCalls", "munlock system calls", "calls");
    public static final Counter MLOCKED_PAGES = define("mlockedPages", "pages named by mlock calls", "pages");
    public static final Counter MUNLOCKED_PAGES = define("munlockedPages", "pages named by munlock calls", "pages");
    public static final Counter BYTES_TO_HYPERVISOR = define("bytesToHypervisor", "bytes copied from guest memory by the hypervisor", "bytes");
    public static final Counter BYTES_TO_GUEST = define("bytesToGuest", "bytes copied to guest memory by the hypervisor", "bytes");
    public static final Counter TRANSLATION_STEPS = define("translationSteps", "page-table entries, descriptor entries or registration lookups read to resolve references", "steps");
    public static final Counter HYPERVISOR_FAULTS = define("hypervisorFaults", "guest pieces the hypervisor could not reach (copy faults)", "faults");
    public static final Counter PAGE_FAULTS = define("pageFaults", "guest page faults (demand paging, swap-in)", "faults");
    public static final Counter SWAP_OUTS = define("swapOuts", "pages the swapper evicted", "pages");
    public static final Counter SWAP_INS = define("swapIns", "pages brought back from swap", "pages");
    public static final Counter MIGRATIONS = define("migrations", "pages moved by compaction", "pages");
    public static final Counter RETRIES = define("retries", "hypercalls a guest library retried, and buffers re-made larger", "retries");
    public static final Counter KERNEL_COPY_BYTES = define("kernelCopyBytes", "bytes the guest kernel copied between user and kernel memory", "bytes");
    public static final Counter EXTENTS_DONE = define("extentsDone", "memory_op extents completed", "extents");

    private static final List<Counter> CORE = List.of(HYPERCALLS, HYPERVISOR_ENTRIES, CONTINUATIONS, GUEST_SYSCALLS,
            MLOCK_CALLS, MUNLOCK_CALLS, MLOCKED_PAGES, MUNLOCKED_PAGES, BYTES_TO_HYPERVISOR, BYTES_TO_GUEST,
            TRANSLATION_STEPS, HYPERVISOR_FAULTS, PAGE_FAULTS, SWAP_OUTS, SWAP_INS, MIGRATIONS, RETRIES,
            KERNEL_COPY_BYTES, EXTENTS_DONE);

    private final String name;
    private final String description;
    private final String unit;
    private final int slot;

    private Counter(String name, String description, String unit) {
        MetricDefinition.check(name, description, unit);
        this.name = name;
        this.description = description;
        this.unit = unit;
        this.slot = MetricSlots.allocate(NEXT, "counter");
    }

    /**
     * A new counter. Call it once per counter, into a {@code static final} field, and return the
     * field from the plugin's {@code metrics()}.
     *
     * @param name the report name (see {@link MetricDefinition})
     * @param description one line saying what is counted
     * @param unit what one unit is, plural ({@code pages})
     * @throws IllegalArgumentException for a bad name, description or unit
     */
    public static Counter define(String name, String description, String unit) {
        return new Counter(name, description, unit);
    }

    /** The counters every configuration shares, in report order. */
    public static List<Counter> core() {
        return CORE;
    }

    /** How many counters this JVM has defined so far: every slot is below it. */
    static int defined() {
        return NEXT.get();
    }

    @Override
    public String name() {
        return name;
    }

    /** The report name; the same as {@link #name()}. */
    public String reportName() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String unit() {
        return unit;
    }

    @Override
    public List<String> reportNames() {
        return List.of(name);
    }

    int slot() {
        return slot;
    }

    @Override
    public String toString() {
        return name;
    }
}
