package org.xencommlab.api.metrics;

/** Levels of one run whose peak and final value are reported. */
public enum Gauge {
    LOCKED_PAGES("lockedPages", "user pages mlocked"),
    REGISTRATIONS_LIVE("registrations", "buffers registered with the hypervisor"),
    XEN_HEAP_BYTES("xenHeapBytes", "bytes of Xen heap in use"),
    PINNED_FRAMES("pinnedFrames", "guest frames pinned for the hypervisor"),
    DEVICE_BYTES_RESERVED("deviceBytesReserved", "bytes reserved for hypercall-buffer devices"),
    DEVICE_BYTES_USED("deviceBytesUsed", "bytes of those reservations handed to tools");

    private final String reportName;
    private final String description;

    Gauge(String reportName, String description) {
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
