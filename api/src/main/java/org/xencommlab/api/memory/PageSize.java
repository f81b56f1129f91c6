package org.xencommlab.api.memory;

/**
 * The size of a page (and of a frame) on an architecture. Page size is an arch property: every
 * computation that splits memory into pages asks the active arch's {@code PageSize} instead of
 * assuming 4 KiB, so that an arch with 16 KiB or 64 KiB pages can be added.
 *
 * @param bytes a power of two between 1 KiB and 1 GiB
 */
public record PageSize(int bytes) {
    public static final PageSize SIZE_4K = new PageSize(4096);

    public PageSize {
        if (bytes < 1024 || bytes > (1 << 30) || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("page size must be a power of two between 1 KiB and 1 GiB: " + bytes);
        }
    }

    /** log2 of the page size. */
    public int shift() {
        return Integer.numberOfTrailingZeros(bytes);
    }

    /** Mask of the offset bits within a page. */
    public long offsetMask() {
        return bytes - 1L;
    }

    /** Page (frame) number holding {@code address}. */
    public long pageOf(long address) {
        return address >>> shift();
    }

    /** Offset of {@code address} within its page. */
    public int offsetIn(long address) {
        return (int) (address & offsetMask());
    }

    /** First address of page {@code pageNumber}. */
    public long addressOf(long pageNumber) {
        return pageNumber << shift();
    }

    /** Bytes from {@code address} to the end of its page. */
    public int bytesToPageEnd(long address) {
        return bytes - offsetIn(address);
    }

    /** {@code address} rounded down to its page start. */
    public long roundDown(long address) {
        return address & ~offsetMask();
    }

    /** {@code length} rounded up to whole pages, as a page count. */
    public long pagesFor(long length) {
        return (length + offsetMask()) >>> shift();
    }

    /** Number of pages the byte range [address, address + length) touches; 0 for an empty range. */
    public long pagesSpanned(long address, long length) {
        if (length <= 0) {
            return 0;
        }
        return pageOf(address + length - 1) - pageOf(address) + 1;
    }
}
