package org.xencommlab.api.abi.sysctl;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.hypercall.XenRelease;

/**
 * {@code struct xen_sysctl} carrying {@code XEN_SYSCTL_getdomaininfolist}
 * (xen/include/public/sysctl.h): {@code HYPERVISOR_sysctl(&sysctl)}, one argument. Pointer form on
 * x86-64:
 *
 * <pre>
 * offset size field                         type
 *      0    4 cmd                           u32: XEN_SYSCTL_getdomaininfolist (6)
 *      4    4 interface_version             u32: XEN_SYSCTL_INTERFACE_VERSION (0x15, Xen 4.19)
 *      8    2 u.getdomaininfolist.first_domain  domid_t
 *     10    2 (padding)                     implicit
 *     12    4 u.getdomaininfolist.max_domains   u32
 *     16    8 u.getdomaininfolist.buffer    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t)
 *     24    4 u.getdomaininfolist.num_domains   u32, out
 *     28  108 (rest of union u)             u is 128 bytes (uint8_t pad[128])
 *    136      total, aligned to 8
 * </pre>
 *
 * The caller does not know how many domains exist (the mail's Problem #3): it passes
 * {@code max_domains} records of room, the hypervisor writes at most that many from
 * {@code first_domain} up and says how many in {@code num_domains}; when that equals
 * {@code max_domains}, there may be more, and the caller asks again from the last domain + 1.
 *
 * @param cmd {@code cmd}
 * @param interfaceVersion {@code interface_version}
 * @param firstDomain the lowest domain id to report
 * @param maxDomains records of room in {@code buffer}, unsigned
 * @param buffer the raw handle word of the record array
 * @param numDomains records written (out)
 */
public record SysctlGetDomainInfoList(int cmd, int interfaceVersion, int firstDomain, int maxDomains, long buffer, int numDomains) {
    /**
     * {@code XEN_SYSCTL_INTERFACE_VERSION} of the Xen release the lab reports
     * ({@link XenRelease#SYSCTL_INTERFACE_VERSION}); {@code do_sysctl} (xen/common/sysctl.c)
     * refuses any other with -EACCES.
     */
    public static final int INTERFACE_VERSION = XenRelease.SYSCTL_INTERFACE_VERSION;
    public static final int CMD_OFFSET = 0;
    public static final int INTERFACE_VERSION_OFFSET = 4;
    public static final int FIRST_DOMAIN_OFFSET = 8;
    public static final int MAX_DOMAINS_OFFSET = 12;
    public static final int BUFFER_OFFSET = 16;
    public static final int NUM_DOMAINS_OFFSET = 24;
    /** Size of the union {@code u}. */
    public static final int UNION_SIZE = 128;
    public static final int SIZE = 8 + UNION_SIZE;

    public static final StructLayout POINTER_LAYOUT = new StructLayout("xen_sysctl_getdomaininfolist", AbiForm.POINTER, List.of(
            Field.u32("cmd", CMD_OFFSET, "XEN_SYSCTL_getdomaininfolist = 6"),
            Field.u32("interface_version", INTERFACE_VERSION_OFFSET, "XEN_SYSCTL_INTERFACE_VERSION = 0x15"),
            Field.u16("u.getdomaininfolist.first_domain", FIRST_DOMAIN_OFFSET, "domid_t"),
            Field.padding("(padding)", FIRST_DOMAIN_OFFSET + 2, 2),
            Field.u32("u.getdomaininfolist.max_domains", MAX_DOMAINS_OFFSET, "records of room"),
            Field.handle("u.getdomaininfolist.buffer", BUFFER_OFFSET, "xen_domctl_getdomaininfo_t array"),
            Field.u32("u.getdomaininfolist.num_domains", NUM_DOMAINS_OFFSET, "out: records written"),
            Field.padding("(rest of u)", NUM_DOMAINS_OFFSET + 4, SIZE - NUM_DOMAINS_OFFSET - 4)), SIZE, 8);

    public SysctlGetDomainInfoList {
        if (firstDomain < 0 || firstDomain > 0xFFFF) {
            throw new IllegalArgumentException("first_domain is not a u16: " + firstDomain);
        }
    }

    /** A guest's request: {@code maxDomains} records of room at {@code buffer}. */
    public static SysctlGetDomainInfoList request(int firstDomain, int maxDomains, long buffer) {
        return new SysctlGetDomainInfoList(SubOps.Sysctl.GETDOMAININFOLIST, INTERFACE_VERSION, firstDomain, maxDomains, buffer, 0);
    }

    /** This structure with {@code num_domains} set, as the hypervisor copies it back. */
    public SysctlGetDomainInfoList withNumDomains(int n) {
        return new SysctlGetDomainInfoList(cmd, interfaceVersion, firstDomain, maxDomains, buffer, n);
    }

    /** The 136 bytes of the pointer form. */
    public byte[] encodePointer() {
        byte[] bytes = new byte[SIZE];
        LittleEndian.putU32(bytes, CMD_OFFSET, cmd);
        LittleEndian.putU32(bytes, INTERFACE_VERSION_OFFSET, interfaceVersion);
        LittleEndian.putU16(bytes, FIRST_DOMAIN_OFFSET, firstDomain);
        LittleEndian.putU32(bytes, MAX_DOMAINS_OFFSET, maxDomains);
        LittleEndian.putU64(bytes, BUFFER_OFFSET, buffer);
        LittleEndian.putU32(bytes, NUM_DOMAINS_OFFSET, numDomains);
        return bytes;
    }

    /**
     * Decodes a hypervisor copy of {@code struct xen_sysctl}, checking it as {@code do_sysctl} does.
     *
     * @throws XenException EINVAL unless {@code bytes} holds exactly {@link #SIZE} bytes; EACCES for
     *     an interface version other than {@link #INTERFACE_VERSION}; ENOSYS for a command other
     *     than getdomaininfolist (the only one modelled)
     */
    public static SysctlGetDomainInfoList decodePointer(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new XenException(XenErrno.EINVAL, "xen_sysctl is " + SIZE + " bytes, not " + bytes.length);
        }
        return check(new SysctlGetDomainInfoList(
                LittleEndian.u32Bits(bytes, CMD_OFFSET),
                LittleEndian.u32Bits(bytes, INTERFACE_VERSION_OFFSET),
                LittleEndian.u16(bytes, FIRST_DOMAIN_OFFSET),
                LittleEndian.u32Bits(bytes, MAX_DOMAINS_OFFSET),
                LittleEndian.u64(bytes, BUFFER_OFFSET),
                LittleEndian.u32Bits(bytes, NUM_DOMAINS_OFFSET)));
    }

    static SysctlGetDomainInfoList check(SysctlGetDomainInfoList op) {
        if (op.interfaceVersion != INTERFACE_VERSION) {
            throw new XenException(XenErrno.EACCES, "sysctl interface version 0x" + Integer.toHexString(op.interfaceVersion)
                    + ", expected 0x" + Integer.toHexString(INTERFACE_VERSION));
        }
        if (op.cmd != SubOps.Sysctl.GETDOMAININFOLIST) {
            throw new XenException(XenErrno.ENOSYS, "sysctl command " + Integer.toUnsignedString(op.cmd) + " is not modelled");
        }
        return op;
    }

    /** {@code max_domains} as its unsigned value. */
    public long maxDomainsUnsigned() {
        return Integer.toUnsignedLong(maxDomains);
    }
}
