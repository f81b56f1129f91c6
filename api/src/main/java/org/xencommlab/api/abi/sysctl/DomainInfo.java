package org.xencommlab.api.abi.sysctl;

import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * One domain's record in a {@code XEN_SYSCTL_getdomaininfolist} answer: a documented subset of
 * {@code struct xen_domctl_getdomaininfo} (xen/include/public/domctl.h; the same layout in Xen 4.16
 * and 4.19, {@code XEN_SYSCTL_INTERFACE_VERSION} 0x14 and 0x15). Every field is at Xen's offset
 * with Xen's size, and the record is Xen's x86-64 {@code sizeof}, 112 bytes, so records of an
 * array lie where a real tool looks for them. The trailing
 * {@code struct xen_arch_domainconfig arch_config} (x86: {@code emulation_flags},
 * {@code misc_flags}) is not modelled and written as zero. Both forms are the same (the record
 * holds no handle):
 *
 * <pre>
 * offset size field               type
 *      0    2 domain              domid_t
 *      2    2 pad1                zero
 *      4    4 flags               XEN_DOMINF_* (shutdown code in bits 16-23)
 *      8    8 tot_pages           u64
 *     16    8 max_pages           u64
 *     24    8 outstanding_pages   u64
 *     32    8 shr_pages           u64
 *     40    8 paged_pages         u64
 *     48    8 shared_info_frame   u64
 *     56    8 cpu_time            u64, ns
 *     64    4 nr_online_vcpus     u32
 *     68    4 max_vcpu_id         u32
 *     72    4 ssidref             u32
 *     76   16 handle              xen_domain_handle_t (u8[16])
 *     92    4 cpupool             u32
 *     96    1 gpaddr_bits         u8
 *     97    7 pad2                zero (implicit padding)
 *    104    8 arch_config         struct xen_arch_domainconfig, x86: u32 emulation_flags, u32 misc_flags; zero
 *    112      total (sizeof on x86-64, gcc, Xen 4.16 and 4.19)
 * </pre>
 *
 * @param domain the domain id
 * @param flags {@code XEN_DOMINF_*} bits
 * @param totPages pages the domain holds
 * @param maxPages its reservation limit in pages
 * @param outstandingPages pages claimed but not yet allocated
 * @param shrPages shared pages
 * @param pagedPages paged-out pages
 * @param sharedInfoFrame frame of its shared info page
 * @param cpuTime CPU time used, in ns (the lab reports a deterministic count)
 * @param nrOnlineVcpus vCPUs online
 * @param maxVcpuId highest vCPU id
 * @param ssidref security label
 * @param handle the 16-byte domain handle (UUID), copied
 * @param cpupool its CPU pool
 * @param gpaddrBits guest physical address width
 */
public record DomainInfo(int domain, int flags, long totPages, long maxPages, long outstandingPages, long shrPages,
        long pagedPages, long sharedInfoFrame, long cpuTime, int nrOnlineVcpus, int maxVcpuId, int ssidref,
        byte[] handle, int cpupool, int gpaddrBits) {
    public static final int DOMINF_DYING = 1;
    public static final int DOMINF_HVM_GUEST = 1 << 1;
    public static final int DOMINF_SHUTDOWN = 1 << 2;
    public static final int DOMINF_PAUSED = 1 << 3;
    public static final int DOMINF_BLOCKED = 1 << 4;
    public static final int DOMINF_RUNNING = 1 << 5;
    public static final int DOMINF_DEBUGGED = 1 << 6;
    public static final int DOMINF_XS_DOMAIN = 1 << 7;
    public static final int DOMINF_HAP = 1 << 8;
    public static final int DOMINF_SHUTDOWN_SHIFT = 16;
    public static final int DOMINF_SHUTDOWN_MASK = 255;

    public static final int DOMAIN_OFFSET = 0;
    public static final int FLAGS_OFFSET = 4;
    public static final int TOT_PAGES_OFFSET = 8;
    public static final int MAX_PAGES_OFFSET = 16;
    public static final int OUTSTANDING_PAGES_OFFSET = 24;
    public static final int SHR_PAGES_OFFSET = 32;
    public static final int PAGED_PAGES_OFFSET = 40;
    public static final int SHARED_INFO_FRAME_OFFSET = 48;
    public static final int CPU_TIME_OFFSET = 56;
    public static final int NR_ONLINE_VCPUS_OFFSET = 64;
    public static final int MAX_VCPU_ID_OFFSET = 68;
    public static final int SSIDREF_OFFSET = 72;
    public static final int HANDLE_OFFSET = 76;
    public static final int HANDLE_SIZE = 16;
    public static final int CPUPOOL_OFFSET = 92;
    public static final int GPADDR_BITS_OFFSET = 96;
    /** {@code offsetof(struct xen_domctl_getdomaininfo, arch_config)} on x86-64. */
    public static final int ARCH_CONFIG_OFFSET = 104;
    /** {@code sizeof(struct xen_arch_domainconfig)} on x86. */
    public static final int ARCH_CONFIG_SIZE = 8;
    /** {@code sizeof(struct xen_domctl_getdomaininfo)} on x86-64: the stride of a record array. */
    public static final int SIZE = ARCH_CONFIG_OFFSET + ARCH_CONFIG_SIZE;

    public static final StructLayout POINTER_LAYOUT = layout(AbiForm.POINTER);
    public static final StructLayout EMBEDDED_LAYOUT = layout(AbiForm.EMBEDDED);

    public DomainInfo {
        if (domain < 0 || domain > 0xFFFF) {
            throw new IllegalArgumentException("domain is not a u16: " + domain);
        }
        if (handle.length != HANDLE_SIZE) {
            throw new IllegalArgumentException("a domain handle is 16 bytes: " + handle.length);
        }
        if (gpaddrBits < 0 || gpaddrBits > 0xFF) {
            throw new IllegalArgumentException("gpaddr_bits is not a u8: " + gpaddrBits);
        }
        handle = handle.clone();
    }

    private static StructLayout layout(AbiForm form) {
        return new StructLayout("xen_domctl_getdomaininfo", form, List.of(
                Field.u16("domain", DOMAIN_OFFSET, "domid_t"),
                Field.padding("pad1", 2, 2),
                Field.u32("flags", FLAGS_OFFSET, "XEN_DOMINF_*"),
                Field.u64("tot_pages", TOT_PAGES_OFFSET, ""),
                Field.u64("max_pages", MAX_PAGES_OFFSET, ""),
                Field.u64("outstanding_pages", OUTSTANDING_PAGES_OFFSET, ""),
                Field.u64("shr_pages", SHR_PAGES_OFFSET, ""),
                Field.u64("paged_pages", PAGED_PAGES_OFFSET, ""),
                Field.u64("shared_info_frame", SHARED_INFO_FRAME_OFFSET, ""),
                Field.u64("cpu_time", CPU_TIME_OFFSET, "ns"),
                Field.u32("nr_online_vcpus", NR_ONLINE_VCPUS_OFFSET, ""),
                Field.u32("max_vcpu_id", MAX_VCPU_ID_OFFSET, ""),
                Field.u32("ssidref", SSIDREF_OFFSET, ""),
                Field.array("handle", HANDLE_OFFSET, 1, HANDLE_SIZE, "xen_domain_handle_t"),
                Field.u32("cpupool", CPUPOOL_OFFSET, ""),
                Field.u8("gpaddr_bits", GPADDR_BITS_OFFSET, ""),
                Field.padding("pad2", GPADDR_BITS_OFFSET + 1, 7),
                Field.padding("arch_config", ARCH_CONFIG_OFFSET, ARCH_CONFIG_SIZE)), SIZE, 8);
    }

    /** A record with the fields the lab's hypervisor fills and zeros elsewhere. */
    public static DomainInfo of(int domain, int flags, long totPages, long maxPages, int nrOnlineVcpus) {
        return new DomainInfo(domain, flags, totPages, maxPages, 0, 0, 0, 0, 0, nrOnlineVcpus,
                Math.max(0, nrOnlineVcpus - 1), 0, new byte[HANDLE_SIZE], 0, 0);
    }

    @Override
    public byte[] handle() {
        return handle.clone();
    }

    /** Writes the 112 bytes at {@code offset} of {@code bytes}; padding is written as zero. */
    public void encode(byte[] bytes, int offset) {
        Arrays.fill(bytes, offset, offset + SIZE, (byte) 0);
        LittleEndian.putU16(bytes, offset + DOMAIN_OFFSET, domain);
        LittleEndian.putU32(bytes, offset + FLAGS_OFFSET, flags);
        LittleEndian.putU64(bytes, offset + TOT_PAGES_OFFSET, totPages);
        LittleEndian.putU64(bytes, offset + MAX_PAGES_OFFSET, maxPages);
        LittleEndian.putU64(bytes, offset + OUTSTANDING_PAGES_OFFSET, outstandingPages);
        LittleEndian.putU64(bytes, offset + SHR_PAGES_OFFSET, shrPages);
        LittleEndian.putU64(bytes, offset + PAGED_PAGES_OFFSET, pagedPages);
        LittleEndian.putU64(bytes, offset + SHARED_INFO_FRAME_OFFSET, sharedInfoFrame);
        LittleEndian.putU64(bytes, offset + CPU_TIME_OFFSET, cpuTime);
        LittleEndian.putU32(bytes, offset + NR_ONLINE_VCPUS_OFFSET, nrOnlineVcpus);
        LittleEndian.putU32(bytes, offset + MAX_VCPU_ID_OFFSET, maxVcpuId);
        LittleEndian.putU32(bytes, offset + SSIDREF_OFFSET, ssidref);
        System.arraycopy(handle, 0, bytes, offset + HANDLE_OFFSET, HANDLE_SIZE);
        LittleEndian.putU32(bytes, offset + CPUPOOL_OFFSET, cpupool);
        LittleEndian.putU8(bytes, offset + GPADDR_BITS_OFFSET, gpaddrBits);
    }

    public byte[] encode() {
        byte[] bytes = new byte[SIZE];
        encode(bytes, 0);
        return bytes;
    }

    /** Decodes the record at {@code offset}; every 112 bytes are a record (padding ignored). Caller checks bounds. */
    public static DomainInfo decode(byte[] bytes, int offset) {
        return new DomainInfo(
                LittleEndian.u16(bytes, offset + DOMAIN_OFFSET),
                LittleEndian.u32Bits(bytes, offset + FLAGS_OFFSET),
                LittleEndian.u64(bytes, offset + TOT_PAGES_OFFSET),
                LittleEndian.u64(bytes, offset + MAX_PAGES_OFFSET),
                LittleEndian.u64(bytes, offset + OUTSTANDING_PAGES_OFFSET),
                LittleEndian.u64(bytes, offset + SHR_PAGES_OFFSET),
                LittleEndian.u64(bytes, offset + PAGED_PAGES_OFFSET),
                LittleEndian.u64(bytes, offset + SHARED_INFO_FRAME_OFFSET),
                LittleEndian.u64(bytes, offset + CPU_TIME_OFFSET),
                LittleEndian.u32Bits(bytes, offset + NR_ONLINE_VCPUS_OFFSET),
                LittleEndian.u32Bits(bytes, offset + MAX_VCPU_ID_OFFSET),
                LittleEndian.u32Bits(bytes, offset + SSIDREF_OFFSET),
                Arrays.copyOfRange(bytes, offset + HANDLE_OFFSET, offset + HANDLE_OFFSET + HANDLE_SIZE),
                LittleEndian.u32Bits(bytes, offset + CPUPOOL_OFFSET),
                LittleEndian.u8(bytes, offset + GPADDR_BITS_OFFSET));
    }

    /**
     * Decodes one record.
     *
     * @throws XenException EINVAL unless {@code bytes} holds exactly {@link #SIZE} bytes
     */
    public static DomainInfo decode(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new XenException(XenErrno.EINVAL, "domain info record is " + SIZE + " bytes, not " + bytes.length);
        }
        return decode(bytes, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainInfo d && d.domain == domain && d.flags == flags && d.totPages == totPages
                && d.maxPages == maxPages && d.outstandingPages == outstandingPages && d.shrPages == shrPages
                && d.pagedPages == pagedPages && d.sharedInfoFrame == sharedInfoFrame && d.cpuTime == cpuTime
                && d.nrOnlineVcpus == nrOnlineVcpus && d.maxVcpuId == maxVcpuId && d.ssidref == ssidref
                && Arrays.equals(d.handle, handle) && d.cpupool == cpupool && d.gpaddrBits == gpaddrBits;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new long[] {domain, flags, totPages, maxPages, outstandingPages, shrPages, pagedPages,
            sharedInfoFrame, cpuTime, nrOnlineVcpus, maxVcpuId, ssidref, Arrays.hashCode(handle), cpupool, gpaddrBits});
    }

    @Override
    public String toString() {
        return "DomainInfo[domain=" + domain + ", flags=0x" + Integer.toHexString(flags) + ", tot_pages=" + totPages
                + ", max_pages=" + maxPages + ", vcpus=" + nrOnlineVcpus + "]";
    }
}
