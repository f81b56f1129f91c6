package org.xencommlab.arch.ppc.metrics;

import java.util.List;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.MetricDefinition;

/**
 * The counts and cost events only the ppc backend has: registrations of guest buffers with the
 * hypervisor (the mail's {@code bufid | offset} references) and Xen's xencomm descriptors (descriptor
 * mode). {@link org.xencommlab.arch.ppc.plugin.PpcArchPlugin} declares them, so they appear in every
 * report, the cost-model file and the JSON schema. The live-registrations gauge stays in the core
 * ({@link org.xencommlab.api.metrics.Gauge#REGISTRATIONS_LIVE}): it is part of the leak accounting
 * arch-independent code checks on every backend.
 */
public final class PpcMetrics {
    public static final Counter REGISTRATIONS =
            Counter.define("registrations", "buffers registered with the hypervisor", "registrations");
    public static final Counter UNREGISTRATIONS =
            Counter.define("unregistrations", "registrations removed", "registrations");
    public static final Counter DESCRIPTORS =
            Counter.define("descriptors", "xencomm descriptors built by a guest kernel", "descriptors");
    public static final Counter DESCRIPTOR_ENTRIES =
            Counter.define("descriptorEntries", "address entries written into xencomm descriptors", "entries");

    public static final CostDefinition REGISTRATION = CostDefinition.nanosPerEvent("registrationNanos",
            "one buffer registration, beyond its hypercall and translation steps", 300,
            "Estimate: on top of its hypercall and its per-page translation steps (both counted), a"
                    + " registration allocates a record from the Xen heap (about 100 ns) and inserts it in the"
                    + " domain's table.",
            REGISTRATIONS);
    public static final CostDefinition UNREGISTRATION = CostDefinition.nanosPerEvent("unregistrationNanos",
            "removing one registration", 150,
            "Estimate: a table lookup and a free to the Xen heap, about half a registration.", UNREGISTRATIONS);
    public static final CostDefinition DESCRIPTOR = CostDefinition.nanosPerEvent("descriptorNanos",
            "building and freeing one xencomm descriptor in the guest kernel", 150,
            "Estimate: Linux's xencomm_map allocates a descriptor from the kernel heap and frees it after the"
                    + " call: an allocation and a free, about 150 ns.",
            DESCRIPTORS);
    public static final CostDefinition DESCRIPTOR_ENTRY = CostDefinition.nanosPerEvent("descriptorEntryNanos",
            "writing one address entry into a descriptor", 10,
            "Estimate: one virtual-to-physical lookup of a kernel address and one store, about 30 cycles.",
            DESCRIPTOR_ENTRIES);

    private PpcMetrics() {}

    /** The counters ppc declares, in report order. */
    public static List<MetricDefinition> metrics() {
        return List.of(REGISTRATIONS, UNREGISTRATIONS, DESCRIPTORS, DESCRIPTOR_ENTRIES);
    }

    /** The cost events ppc declares, in cost-model order. */
    public static List<CostDefinition> costs() {
        return List.of(REGISTRATION, UNREGISTRATION, DESCRIPTOR, DESCRIPTOR_ENTRY);
    }
}
