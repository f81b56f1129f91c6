package org.xencommlab.api.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A level of one run whose peak and final value are reported ({@code <name>Peak},
 * {@code <name>Leaked}), and the handle code moves it with ({@link RunMetrics#adjust}). Part of
 * any gauge's level may be marked as a long-lived reservation ({@link RunMetrics#markReserved}),
 * which {@code <name>Leaked} leaves out; a reservable gauge also reports that part as
 * {@code <name>Reserved}. The constants
 * here are the core levels every configuration shares (the leak accounting that arch-independent
 * code checks on every arch); an arch or strategy defines its own with {@link #define} or
 * {@link #defineReservable} in a {@code static final} field and lists it in its plugin's
 * {@code metrics()} (see {@link MetricDefinition}).
 *
 * <p>Each handle gets a slot number when it is defined; {@link RunMetrics} indexes its storage by
 * it. Handles compare by identity.
 */
public final class Gauge implements MetricDefinition {
    private static final AtomicInteger NEXT = new AtomicInteger();

    public static final Gauge LOCKED_PAGES = define("lockedPages", "user pages mlocked", "pages");
    public static final Gauge REGISTRATIONS_LIVE = defineReservable("registrations", "buffers registered with the hypervisor", "registrations");
    public static final Gauge XEN_HEAP_BYTES = defineReservable("xenHeapBytes", "bytes of Xen heap in use", "bytes");
    public static final Gauge PINNED_FRAMES = defineReservable("pinnedFrames", "guest frames pinned for the hypervisor", "frames");
    public static final Gauge DEVICE_BYTES_RESERVED = define("deviceBytesReserved", "bytes reserved for hypercall-buffer devices", "bytes");
    public static final Gauge DEVICE_BYTES_USED = define("deviceBytesUsed", "bytes of those reservations handed to tools", "bytes");

    private static final List<Gauge> CORE = List.of(LOCKED_PAGES, REGISTRATIONS_LIVE, XEN_HEAP_BYTES, PINNED_FRAMES,
            DEVICE_BYTES_RESERVED, DEVICE_BYTES_USED);

    private final String name;
    private final String description;
    private final String unit;
    private final boolean reservable;
    private final int slot;

    private Gauge(String name, String description, String unit, boolean reservable) {
        MetricDefinition.check(name, description, unit);
        this.name = name;
        this.description = description;
        this.unit = unit;
        this.reservable = reservable;
        this.slot = MetricSlots.allocate(NEXT, "gauge");
    }

    /**
     * A new gauge, reported as {@code <name>Peak} and {@code <name>Leaked}. Call it once per gauge,
     * into a {@code static final} field, and return the field from the plugin's {@code metrics()}.
     *
     * @param name the report name (see {@link MetricDefinition}); the level's own name, such as
     *     {@code cvmPoolSlots}
     * @param description one line saying what the level counts
     * @param unit what one unit is, plural
     * @throws IllegalArgumentException for a bad name, description or unit
     */
    public static Gauge define(String name, String description, String unit) {
        return new Gauge(name, description, unit, false);
    }

    /**
     * A new gauge that also reports, as {@code <name>Reserved}, the part of its level held on
     * purpose for a domain's or kernel's lifetime ({@link RunMetrics#markReserved}).
     */
    public static Gauge defineReservable(String name, String description, String unit) {
        return new Gauge(name, description, unit, true);
    }

    /** The gauges every configuration shares, in report order. */
    public static List<Gauge> core() {
        return CORE;
    }

    /** How many gauges this JVM has defined so far: every slot is below it. */
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

    /** Whether the part of the level marked as a long-lived reservation is reported as {@code <name>Reserved}. */
    public boolean reservable() {
        return reservable;
    }

    @Override
    public List<String> reportNames() {
        return reservable ? List.of(name + "Peak", name + "Leaked", name + "Reserved") : List.of(name + "Peak", name + "Leaked");
    }

    int slot() {
        return slot;
    }

    @Override
    public String toString() {
        return name;
    }
}
