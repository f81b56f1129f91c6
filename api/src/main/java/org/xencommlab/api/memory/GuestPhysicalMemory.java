package org.xencommlab.api.memory;

import java.nio.ByteOrder;

/**
 * One domain's guest-physical memory as its CPUs see it: each access is translated through the
 * domain's p2m to machine memory holding real bytes.
 *
 * <p>The hypervisor implements it per domain; the guest kernel uses it as its "physical memory
 * bus", and an arch backend's hypervisor half uses it to read guest structures (x86 page tables,
 * ppc descriptors). It is the only path from either side to a domain's bytes.
 *
 * <p>An implementation must guarantee:
 * <ul>
 *   <li>an access touches exactly one guest page: a range that crosses a page boundary is
 *       refused with {@link IllegalArgumentException} (a programming error, not guest input);</li>
 *   <li>an access to a frame the domain does not hold as RAM (never populated, given back by a
 *       balloon, beyond its memory) throws {@link org.xencommlab.api.errno.XenException} with
 *       {@code EFAULT} and changes nothing;</li>
 *   <li>bytes are real: what one access writes, a later read returns; frames read before they
 *       are written read as zero;</li>
 *   <li>it is safe to call from several threads; accesses to different pages do not interfere.</li>
 * </ul>
 */
public interface GuestPhysicalMemory {
    /** The domain this memory belongs to. */
    int domid();

    /** The arch's page size; frames of this memory are this size. */
    PageSize pageSize();

    /** Whether guest frame {@code gfn} is RAM this domain holds now. Never throws. */
    boolean isRam(long gfn);

    /** Copies {@code length} bytes at guest-physical {@code address} into {@code dst}. */
    void read(long address, byte[] dst, int dstOffset, int length);

    /** Copies {@code length} bytes from {@code src} to guest-physical {@code address}. */
    void write(long address, byte[] src, int srcOffset, int length);

    /** Reads an aligned 64-bit word (a page-table entry, a descriptor entry) in {@code order}. */
    long readLong(long address, ByteOrder order);

    /** Writes an aligned 64-bit word in {@code order}. */
    void writeLong(long address, long value, ByteOrder order);

    /** Sets {@code length} bytes at {@code address} to zero. */
    void zero(long address, int length);
}
