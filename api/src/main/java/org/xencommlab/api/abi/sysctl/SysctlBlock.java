package org.xencommlab.api.abi.sysctl;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * The embedded form of {@code XEN_SYSCTL_getdomaininfolist}: one block, the record array inline.
 *
 * <pre>
 * offset size  field              type
 *      0   16  header             embedded_block_header, kind 4
 *     16    4  cmd                u32: 6
 *     20    4  interface_version  u32: 0x15
 *     24    2  first_domain       u16
 *     26    2  pad                must be zero
 *     28    4  max_domains        u32
 *     32    4  num_domains        u32, out
 *     36    4  pad                must be zero
 *     40 112*m records            xen_domctl_getdomaininfo, out
 * </pre>
 *
 * The block's length must be exactly {@code 40 + 112 * max_domains}, so one block of
 * {@code maxBlock} bytes has room for {@link #maxDomains(int)} records: the size limit makes the
 * caller ask again from the next domain, the mail's Problem #3 in its embedded shape.
 */
public final class SysctlBlock {
    public static final int CMD_OFFSET = 16;
    public static final int INTERFACE_VERSION_OFFSET = 20;
    public static final int FIRST_DOMAIN_OFFSET = 24;
    public static final int PAD1_OFFSET = 26;
    public static final int MAX_DOMAINS_OFFSET = 28;
    public static final int NUM_DOMAINS_OFFSET = 32;
    public static final int PAD2_OFFSET = 36;
    public static final int RECORDS_OFFSET = 40;

    public static final StructLayout LAYOUT = new StructLayout("xen_sysctl_getdomaininfolist", AbiForm.EMBEDDED, List.of(
            Field.array("header", 0, 1, EmbeddedBlockHeader.SIZE, "embedded_block_header, kind 4"),
            Field.u32("cmd", CMD_OFFSET, "XEN_SYSCTL_getdomaininfolist = 6"),
            Field.u32("interface_version", INTERFACE_VERSION_OFFSET, "0x15"),
            Field.u16("first_domain", FIRST_DOMAIN_OFFSET, ""),
            Field.padding("pad", PAD1_OFFSET, 2),
            Field.u32("max_domains", MAX_DOMAINS_OFFSET, "records of room"),
            Field.u32("num_domains", NUM_DOMAINS_OFFSET, "out: records written"),
            Field.padding("pad", PAD2_OFFSET, 4),
            Field.variableArray("records", RECORDS_OFFSET, DomainInfo.SIZE, "xen_domctl_getdomaininfo, out")), RECORDS_OFFSET, 8);

    private SysctlBlock() {}

    /** The most records one block of {@code maxBlock} bytes has room for. */
    public static int maxDomains(int maxBlock) {
        return Math.max(0, (maxBlock - RECORDS_OFFSET) / DomainInfo.SIZE);
    }

    /** A block asking for up to {@code maxDomains} records from {@code firstDomain}. */
    public static byte[] encode(int firstDomain, int maxDomains) {
        int length = RECORDS_OFFSET + maxDomains * DomainInfo.SIZE;
        byte[] block = new byte[length];
        new EmbeddedBlockHeader(BlockKind.SYSCTL_GETDOMAININFOLIST, length).encode(block, 0);
        LittleEndian.putU32(block, CMD_OFFSET, org.xencommlab.api.hypercall.SubOps.Sysctl.GETDOMAININFOLIST);
        LittleEndian.putU32(block, INTERFACE_VERSION_OFFSET, SysctlGetDomainInfoList.INTERFACE_VERSION);
        LittleEndian.putU16(block, FIRST_DOMAIN_OFFSET, firstDomain);
        LittleEndian.putU32(block, MAX_DOMAINS_OFFSET, maxDomains);
        return block;
    }

    /**
     * Decodes and validates the fixed part (the first 40 bytes, copied into the hypervisor); the
     * records are not read. The result's {@code buffer} is 0: the records live in the block at
     * {@link #recordOffset(int)}.
     *
     * @throws XenException EINVAL unless {@code fixed} holds exactly 40 bytes, for a bad header,
     *     non-zero padding, or a length other than {@code 40 + 112 * max_domains}; E2BIG for a block
     *     above {@code maxBlock}; EACCES for another interface version; ENOSYS for another command
     */
    public static SysctlGetDomainInfoList decodeFixed(byte[] fixed, int maxBlock) {
        if (fixed.length != RECORDS_OFFSET) {
            throw new XenException(XenErrno.EINVAL, "sysctl block fixed part is " + RECORDS_OFFSET + " bytes, not " + fixed.length);
        }
        EmbeddedBlockHeader header = EmbeddedBlockHeader.decode(fixed, 0, BlockKind.SYSCTL_GETDOMAININFOLIST, maxBlock);
        SysctlGetDomainInfoList op = SysctlGetDomainInfoList.check(new SysctlGetDomainInfoList(
                LittleEndian.u32Bits(fixed, CMD_OFFSET),
                LittleEndian.u32Bits(fixed, INTERFACE_VERSION_OFFSET),
                LittleEndian.u16(fixed, FIRST_DOMAIN_OFFSET),
                LittleEndian.u32Bits(fixed, MAX_DOMAINS_OFFSET),
                0,
                LittleEndian.u32Bits(fixed, NUM_DOMAINS_OFFSET)));
        if (LittleEndian.u16(fixed, PAD1_OFFSET) != 0 || LittleEndian.u32Bits(fixed, PAD2_OFFSET) != 0) {
            throw new XenException(XenErrno.EINVAL, "sysctl block padding is not zero");
        }
        if (RECORDS_OFFSET + op.maxDomainsUnsigned() * DomainInfo.SIZE != header.length()) {
            throw new XenException(XenErrno.EINVAL, "sysctl block of " + header.length() + " bytes cannot hold "
                    + op.maxDomainsUnsigned() + " records");
        }
        return op;
    }

    /** Byte offset of record {@code index} in a block. */
    public static int recordOffset(int index) {
        return RECORDS_OFFSET + index * DomainInfo.SIZE;
    }
}
