package org.xencommlab.api.abi.catalog;

import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.dmop.DmOpBlock;
import org.xencommlab.api.abi.dmop.DmOpBuf;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.abi.layout.AbiStructure;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.memory.ReservationBlock;
import org.xencommlab.api.abi.multicall.MulticallBlock;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.SysctlBlock;
import org.xencommlab.api.abi.sysctl.SysctlGetDomainInfoList;
import org.xencommlab.api.hypercall.XenRelease;

/**
 * Every structure of the modelled hypercall ABI with its layout in both forms, for
 * {@code xencomm-lab abi [NAME]}. The layouts are the same constants the encoders and decoders use.
 */
public final class AbiCatalog {
    private static final List<AbiStructure> STRUCTURES = List.of(
            new AbiStructure("xen_memory_reservation",
                    "memory_op increase/decrease_reservation, populate_physmap argument (public/memory.h)",
                    Optional.of(MemoryReservation.POINTER_LAYOUT), Optional.of(ReservationBlock.LAYOUT)),
            new AbiStructure("multicall_entry",
                    "one call of a multicall: op, result, six argument words (public/xen.h)",
                    Optional.of(MulticallEntry.POINTER_LAYOUT), Optional.of(MulticallEntry.EMBEDDED_LAYOUT)),
            new AbiStructure("multicall_list",
                    "a multicall's call list: an array of multicall_entry (pointer) or one block holding them",
                    Optional.of(MulticallBlock.POINTER_LAYOUT), Optional.of(MulticallBlock.LAYOUT)),
            new AbiStructure("console_io_buffer",
                    "console_io write/read bytes: no structure in Xen, a bare buffer",
                    Optional.of(ConsoleIo.POINTER_LAYOUT), Optional.of(ConsoleIo.EMBEDDED_LAYOUT)),
            new AbiStructure("xen_sysctl_getdomaininfolist",
                    "struct xen_sysctl with u.getdomaininfolist, interface version 0x"
                            + Integer.toHexString(XenRelease.SYSCTL_INTERFACE_VERSION) + " (public/sysctl.h)",
                    Optional.of(SysctlGetDomainInfoList.POINTER_LAYOUT), Optional.of(SysctlBlock.LAYOUT)),
            new AbiStructure("xen_domctl_getdomaininfo",
                    "one domain's record at Xen's 112-byte stride: the fields through pad2, arch_config written"
                            + " as zeros (public/domctl.h)",
                    Optional.of(DomainInfo.POINTER_LAYOUT), Optional.of(DomainInfo.EMBEDDED_LAYOUT)),
            new AbiStructure("xen_dm_op_buf",
                    "one entry of dm_op's top-level buffer array (public/hvm/dm_op.h); the embedded form has none",
                    Optional.of(DmOpBuf.POINTER_LAYOUT), Optional.empty()),
            new AbiStructure("xen_dm_op",
                    "dm_op operation with u.modified_memory, in buffer 0 (pointer) or with its extents in one block",
                    Optional.of(ModifiedMemoryOp.POINTER_LAYOUT), Optional.of(DmOpBlock.LAYOUT)),
            new AbiStructure("xen_dm_op_modified_memory_extent",
                    "a run of pages a device model modified; buffer 1 of XEN_DMOP_modified_memory",
                    Optional.of(ModifiedMemoryExtent.POINTER_LAYOUT), Optional.of(ModifiedMemoryExtent.EMBEDDED_LAYOUT)),
            new AbiStructure("embedded_block_header",
                    "the header of every embedded block: magic, version, kind, length (the lab's; no pointer form)",
                    Optional.empty(), Optional.of(EmbeddedBlockHeader.LAYOUT)));

    private AbiCatalog() {}

    /** Every structure, in a fixed order. */
    public static List<AbiStructure> structures() {
        return STRUCTURES;
    }

    /** The structure named {@code name}, if any. */
    public static Optional<AbiStructure> find(String name) {
        return STRUCTURES.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The names, in catalog order (for "unknown structure; known: ..." messages). */
    public static List<String> names() {
        return STRUCTURES.stream().map(AbiStructure::name).toList();
    }
}
