package org.example.xencomm.phys;

import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.Counter;

/**
 * What only this arch counts, and what it costs. {@link PhysArchPlugin#metrics()} and
 * {@link PhysArchPlugin#costs()} declare them; the lab then shows the counter in every report (table,
 * JSON, CSV, HTML), prices it in {@code modelledNanos}, and lets a cost-model file override the cost.
 */
final class PhysMetrics {
    /** Handles are defined once, in static final fields, and counted through {@code RunMetrics}. */
    static final Counter BUFFER_MAPS = Counter.define("physBufferMaps",
            "hypercall buffers mapped from kernel-contiguous pages (phys arch)", "buffers");

    static final CostDefinition BUFFER_MAP = CostDefinition.nanosPerEvent("physBufferMapNanos",
            "allocating and mapping one phys hypercall buffer, beyond its system call", 1500,
            "Estimate: a contiguous page allocation from the kernel's buddy allocator and a remap of its pages"
                    + " into the tool's address space, about a microsecond and a half together.",
            BUFFER_MAPS);

    private PhysMetrics() {}
}
