package org.xencommlab.guest.kernel;

/**
 * A virtual memory area: a page-aligned range of a process's address space, either anonymous
 * private memory or a driver's shared mapping of kernel frames.
 */
final class Vma {
    final long start;
    final long end;
    /** Null for anonymous memory. */
    final DriverMapping driver;
    /** For a driver mapping: index into {@link DriverMapping#gfns} of the page at {@link #start}. */
    final int pageOffset;

    Vma(long start, long end, DriverMapping driver, int pageOffset) {
        this.start = start;
        this.end = end;
        this.driver = driver;
        this.pageOffset = pageOffset;
    }

    boolean anonymous() {
        return driver == null;
    }

    boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    /** A driver's {@code mmap} of kernel frames: the clean-up runs once, when its last page is unmapped. */
    static final class DriverMapping {
        final long[] gfns;
        final Runnable onUnmap;
        int mappedPages;
        boolean closed;

        DriverMapping(long[] gfns, Runnable onUnmap) {
            this.gfns = gfns;
            this.onUnmap = onUnmap;
            this.mappedPages = gfns.length;
        }
    }
}
