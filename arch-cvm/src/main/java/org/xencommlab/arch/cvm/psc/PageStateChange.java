package org.xencommlab.arch.cvm.psc;

import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * The page-state change (PSC) request, modelled byte for byte on the descriptor an SEV-SNP guest
 * puts in its GHCB's shared buffer for {@code SVM_VMGEXIT_PSC} (Linux
 * {@code arch/x86/include/asm/sev-common.h}: {@code struct psc_hdr}, {@code struct psc_entry},
 * {@code VMGEXIT_PSC_MAX_ENTRY}). Little-endian, packed, 2032 bytes at most (the size of the
 * GHCB's shared buffer):
 *
 * <pre>
 * offset size  field
 *  0      2    cur_entry   first entry still to do; the hypervisor advances it (the continuation)
 *  2      2    end_entry   last entry to do, inclusive (0..252)
 *  4      4    reserved    must be zero
 *  8+8*i  8    entry i, a 64-bit word:
 *                bits  0..11  cur_page   (progress inside a 2 MiB entry; must be zero here)
 *                bits 12..51  gfn        guest frame number (40 bits)
 *                bits 52..55  operation  1 = make private, 2 = make shared
 *                bit  56      pagesize   0 = 4 KiB, 1 = 2 MiB (refused: the lab's guests use 4 KiB pages)
 *                bits 57..63  reserved   must be zero
 * </pre>
 *
 * The lab issues it as {@code arch_0} sub-op {@link #SUB_OP_PSC} with the descriptor's
 * guest-physical address, which must lie in one shared page. The single-page form that needs no
 * memory (SNP's GHCB MSR protocol, {@code GHCB_MSR_PSC_REQ}, used before any shared page exists)
 * is sub-op {@link #SUB_OP_PSC_MSR} with the gfn and the operation in argument words.
 *
 * <p>{@link #parseHeader} and {@link #parseEntry} treat every byte as hostile: anything malformed is
 * a {@link XenException} EINVAL with a message, never another exception.
 */
public final class PageStateChange {
    /** The hypercall that carries page-state changes in the lab: {@code arch_0}. */
    public static final int HYPERCALL = HypercallNumber.ARCH_0;
    /** {@code arch_0(SUB_OP_PSC, descriptor_gpa)}: the batched request. */
    public static final long SUB_OP_PSC = 0;
    /** {@code arch_0(SUB_OP_PSC_MSR, gfn, operation)}: one 4 KiB page, no memory (the GHCB MSR protocol). */
    public static final long SUB_OP_PSC_MSR = 1;

    /** {@code VMGEXIT_PSC_MAX_ENTRY}. */
    public static final int MAX_ENTRIES = 253;
    public static final int HEADER_BYTES = 8;
    public static final int ENTRY_BYTES = 8;
    /** Header and 253 entries: 2032 bytes, the GHCB shared buffer. */
    public static final int MAX_BYTES = HEADER_BYTES + MAX_ENTRIES * ENTRY_BYTES;

    /** {@code SNP_PAGE_STATE_PRIVATE}. */
    public static final int OP_PRIVATE = 1;
    /** {@code SNP_PAGE_STATE_SHARED}. */
    public static final int OP_SHARED = 2;

    private static final long GFN_MASK = (1L << 40) - 1;

    private PageStateChange() {}

    /** The header's two fields. */
    public record PscHeader(int curEntry, int endEntry) {}

    /** One parsed entry: a 4 KiB guest frame and what to make it. */
    public record PscEntry(long gfn, int operation) {
        public PscEntry {
            if (gfn < 0 || gfn > GFN_MASK) {
                throw new IllegalArgumentException("gfn out of 40 bits: " + gfn);
            }
            if (operation != OP_PRIVATE && operation != OP_SHARED) {
                throw new IllegalArgumentException("operation " + operation);
            }
        }

        public boolean toShared() {
            return operation == OP_SHARED;
        }
    }

    /**
     * Reads the header from the first 8 bytes of {@code bytes}.
     *
     * @throws XenException EINVAL when fewer than 8 bytes, reserved bits set, {@code end_entry >= 253}
     *     or {@code cur_entry > end_entry + 1} (a finished request has {@code cur_entry = end_entry + 1})
     */
    public static PscHeader parseHeader(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_BYTES) {
            throw new XenException(XenErrno.EINVAL, "page-state change header needs " + HEADER_BYTES + " bytes");
        }
        int cur = LittleEndian.u16(bytes, 0);
        int end = LittleEndian.u16(bytes, 2);
        long reserved = LittleEndian.u32(bytes, 4);
        if (reserved != 0) {
            throw new XenException(XenErrno.EINVAL, "page-state change header: reserved field 0x" + Long.toHexString(reserved));
        }
        if (end >= MAX_ENTRIES) {
            throw new XenException(XenErrno.EINVAL, "page-state change header: end_entry " + end + ", at most " + (MAX_ENTRIES - 1));
        }
        if (cur > end + 1) {
            throw new XenException(XenErrno.EINVAL, "page-state change header: cur_entry " + cur + " past end_entry " + end);
        }
        return new PscHeader(cur, end);
    }

    /**
     * Decodes entry word {@code word}.
     *
     * @throws XenException EINVAL for a reserved bit, a non-zero {@code cur_page}, a 2 MiB page or an
     *     operation other than 1 or 2
     */
    public static PscEntry parseEntry(long word) {
        long curPage = word & 0xFFF;
        long gfn = (word >>> 12) & GFN_MASK;
        int operation = (int) ((word >>> 52) & 0xF);
        int pageSize = (int) ((word >>> 56) & 1);
        long reserved = word >>> 57;
        if (reserved != 0) {
            throw new XenException(XenErrno.EINVAL, "page-state change entry 0x" + Long.toHexString(word) + ": reserved bits set");
        }
        if (pageSize != 0) {
            throw new XenException(XenErrno.EINVAL, "page-state change entry for gfn 0x" + Long.toHexString(gfn) + ": 2 MiB pages are not supported");
        }
        if (curPage != 0) {
            throw new XenException(XenErrno.EINVAL, "page-state change entry for gfn 0x" + Long.toHexString(gfn) + ": cur_page " + curPage + " on a 4 KiB page");
        }
        if (operation != OP_PRIVATE && operation != OP_SHARED) {
            throw new XenException(XenErrno.EINVAL, "page-state change entry for gfn 0x" + Long.toHexString(gfn) + ": operation " + operation);
        }
        return new PscEntry(gfn, operation);
    }

    /** The entry word for {@code entry} (4 KiB, {@code cur_page} 0). */
    public static long encodeEntry(PscEntry entry) {
        return (entry.gfn() << 12) | ((long) entry.operation() << 52);
    }

    /**
     * A whole request: header {@code cur_entry = 0}, {@code end_entry = entries - 1}, and the entries.
     *
     * @throws IllegalArgumentException for no entries or more than {@link #MAX_ENTRIES}
     */
    public static byte[] encode(List<PscEntry> entries) {
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a request carries 1.." + MAX_ENTRIES + " entries: " + entries.size());
        }
        byte[] bytes = new byte[HEADER_BYTES + entries.size() * ENTRY_BYTES];
        LittleEndian.putU16(bytes, 0, 0);
        LittleEndian.putU16(bytes, 2, entries.size() - 1);
        for (int i = 0; i < entries.size(); i++) {
            LittleEndian.putU64(bytes, HEADER_BYTES + i * ENTRY_BYTES, encodeEntry(entries.get(i)));
        }
        return bytes;
    }

    /** Cuts {@code gfns} into requests of at most {@link #MAX_ENTRIES} entries, all of {@code operation}. */
    public static List<List<PscEntry>> batches(long[] gfns, int operation) {
        List<List<PscEntry>> out = new ArrayList<>();
        for (int start = 0; start < gfns.length; start += MAX_ENTRIES) {
            List<PscEntry> batch = new ArrayList<>();
            for (int i = start; i < Math.min(gfns.length, start + MAX_ENTRIES); i++) {
                batch.add(new PscEntry(gfns[i], operation));
            }
            out.add(batch);
        }
        return out;
    }
}
