package org.xencommlab.api.abi.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.AbiStructure;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.FieldKind;
import org.xencommlab.api.abi.layout.StructLayout;

/**
 * The pointer forms match Xen's x86-64 layouts byte for byte. The numbers are from the public
 * headers: xen/include/public/memory.h (struct xen_memory_reservation: handle, xen_ulong_t,
 * unsigned int x2, domid_t, tail padding to 8), xen/include/public/xen.h (struct multicall_entry:
 * xen_ulong_t op, result, args[6]), xen/include/public/sysctl.h (struct xen_sysctl: u32 cmd, u32
 * interface_version, union u of 128 bytes; struct xen_sysctl_getdomaininfolist: domid_t, u32,
 * XEN_GUEST_HANDLE_64, u32), xen/include/public/domctl.h (struct xen_domctl_getdomaininfo,
 * interface 0x15, through pad2 and arch_config), xen/include/public/hvm/dm_op.h (struct xen_dm_op_buf: handle,
 * xen_ulong_t; struct xen_dm_op: u32 op, u32 pad, union; struct xen_dm_op_modified_memory: u32
 * nr_extents, u32 opaque; struct xen_dm_op_modified_memory_extent: u32 nr, u32 pad,
 * uint64_aligned_t first_pfn).
 */
final class TestAbiCatalog {
    private static StructLayout pointer(String name) {
        return AbiCatalog.find(name).orElseThrow().pointerForm().orElseThrow();
    }

    private static void assertField(StructLayout layout, String field, int offset, int size, FieldKind kind) {
        Field f = layout.field(field);
        assertThat(f.offset()).as(layout.name() + "." + field + " offset").isEqualTo(offset);
        assertThat(f.size()).as(layout.name() + "." + field + " size").isEqualTo(size);
        assertThat(f.kind()).as(layout.name() + "." + field + " kind").isEqualTo(kind);
    }

    @Test
    void xenMemoryReservationIs32BytesAsOnX8664() {
        StructLayout layout = pointer("xen_memory_reservation");
        assertField(layout, "extent_start", 0, 8, FieldKind.HANDLE);
        assertField(layout, "nr_extents", 8, 8, FieldKind.U64);
        assertField(layout, "extent_order", 16, 4, FieldKind.U32);
        assertField(layout, "mem_flags", 20, 4, FieldKind.U32);
        assertField(layout, "domid", 24, 2, FieldKind.U16);
        assertField(layout, "(padding)", 26, 6, FieldKind.PADDING);
        assertThat(layout.size()).isEqualTo(32);
        assertThat(layout.alignment()).isEqualTo(8);
        assertThat(layout.trailingArray()).isEmpty();
    }

    @Test
    void multicallEntryIs64BytesAsOnX8664() {
        StructLayout layout = pointer("multicall_entry");
        assertField(layout, "op", 0, 8, FieldKind.U64);
        assertField(layout, "result", 8, 8, FieldKind.U64);
        assertField(layout, "args", 16, 48, FieldKind.ARRAY);
        assertThat(layout.field("args").count()).isEqualTo(6);
        assertThat(layout.size()).isEqualTo(64);
        assertThat(layout.alignment()).isEqualTo(8);
    }

    @Test
    void xenSysctlWithGetdomaininfolistIs136Bytes() {
        StructLayout layout = pointer("xen_sysctl_getdomaininfolist");
        assertField(layout, "cmd", 0, 4, FieldKind.U32);
        assertField(layout, "interface_version", 4, 4, FieldKind.U32);
        assertField(layout, "u.getdomaininfolist.first_domain", 8, 2, FieldKind.U16);
        assertField(layout, "u.getdomaininfolist.max_domains", 12, 4, FieldKind.U32);
        assertField(layout, "u.getdomaininfolist.buffer", 16, 8, FieldKind.HANDLE);
        assertField(layout, "u.getdomaininfolist.num_domains", 24, 4, FieldKind.U32);
        assertThat(layout.size()).isEqualTo(136);
    }

    @Test
    void domainInfoRecordKeepsXensOffsets() {
        StructLayout layout = pointer("xen_domctl_getdomaininfo");
        assertField(layout, "domain", 0, 2, FieldKind.U16);
        assertField(layout, "pad1", 2, 2, FieldKind.PADDING);
        assertField(layout, "flags", 4, 4, FieldKind.U32);
        assertField(layout, "tot_pages", 8, 8, FieldKind.U64);
        assertField(layout, "max_pages", 16, 8, FieldKind.U64);
        assertField(layout, "outstanding_pages", 24, 8, FieldKind.U64);
        assertField(layout, "shr_pages", 32, 8, FieldKind.U64);
        assertField(layout, "paged_pages", 40, 8, FieldKind.U64);
        assertField(layout, "shared_info_frame", 48, 8, FieldKind.U64);
        assertField(layout, "cpu_time", 56, 8, FieldKind.U64);
        assertField(layout, "nr_online_vcpus", 64, 4, FieldKind.U32);
        assertField(layout, "max_vcpu_id", 68, 4, FieldKind.U32);
        assertField(layout, "ssidref", 72, 4, FieldKind.U32);
        assertField(layout, "handle", 76, 16, FieldKind.ARRAY);
        assertField(layout, "cpupool", 92, 4, FieldKind.U32);
        assertField(layout, "gpaddr_bits", 96, 1, FieldKind.U8);
        assertField(layout, "pad2", 97, 7, FieldKind.PADDING);
        assertField(layout, "arch_config", 104, 8, FieldKind.PADDING);
        assertThat(layout.size()).as("sizeof(struct xen_domctl_getdomaininfo), gcc x86-64, Xen 4.16 and 4.19").isEqualTo(112);
    }

    @Test
    void dmOpStructuresMatchX8664() {
        StructLayout buf = pointer("xen_dm_op_buf");
        assertField(buf, "h", 0, 8, FieldKind.HANDLE);
        assertField(buf, "size", 8, 8, FieldKind.U64);
        assertThat(buf.size()).isEqualTo(16);
        StructLayout op = pointer("xen_dm_op");
        assertField(op, "op", 0, 4, FieldKind.U32);
        assertField(op, "pad", 4, 4, FieldKind.U32);
        assertField(op, "u.modified_memory.nr_extents", 8, 4, FieldKind.U32);
        assertField(op, "u.modified_memory.opaque", 12, 4, FieldKind.U32);
        assertThat(op.size()).as("sizeof(struct xen_dm_op), gcc x86-64").isEqualTo(32);
        assertThat(op.usedBytes()).as("offsetof(u) + sizeof(modified_memory): what dm_op copies").isEqualTo(16);
        StructLayout extent = pointer("xen_dm_op_modified_memory_extent");
        assertField(extent, "nr", 0, 4, FieldKind.U32);
        assertField(extent, "pad", 4, 4, FieldKind.U32);
        assertField(extent, "first_pfn", 8, 8, FieldKind.U64);
        assertThat(extent.size()).isEqualTo(16);
    }

    @Test
    void theEmbeddedFormsHoldNoHandle() {
        for (AbiStructure structure : AbiCatalog.structures()) {
            structure.embeddedForm().ifPresent(layout -> {
                assertThat(layout.form()).isEqualTo(AbiForm.EMBEDDED);
                assertThat(layout.fields()).noneMatch(f -> f.kind() == FieldKind.HANDLE);
            });
            structure.pointerForm().ifPresent(layout -> assertThat(layout.form()).isEqualTo(AbiForm.POINTER));
        }
    }

    @Test
    void everyTopLevelEmbeddedBlockStartsWithTheHeader() {
        for (String name : List.of("xen_memory_reservation", "multicall_list", "console_io_buffer",
                "xen_sysctl_getdomaininfolist", "xen_dm_op")) {
            StructLayout layout = AbiCatalog.find(name).orElseThrow().embeddedForm().orElseThrow();
            assertField(layout, "header", 0, EmbeddedBlockHeader.SIZE, FieldKind.ARRAY);
            assertThat(layout.trailingArray()).as(name).isPresent();
        }
    }

    @Test
    void namesAreUniqueAndFound() {
        Set<String> seen = new HashSet<>();
        for (AbiStructure structure : AbiCatalog.structures()) {
            assertThat(seen.add(structure.name())).as(structure.name()).isTrue();
            assertThat(structure.description()).isNotBlank();
            assertThat(AbiCatalog.find(structure.name())).contains(structure);
        }
        assertThat(AbiCatalog.names()).hasSize(AbiCatalog.structures().size());
        assertThat(AbiCatalog.find("no_such_struct")).isEmpty();
    }

    @Test
    void sizeWithCountsTheTrailingArray() {
        StructLayout block = AbiCatalog.find("xen_memory_reservation").orElseThrow().embeddedForm().orElseThrow();
        assertThat(block.sizeWith(0)).isEqualTo(40);
        assertThat(block.sizeWith(3)).isEqualTo(64);
        assertThat(pointer("xen_memory_reservation").sizeWith(5)).isEqualTo(32);
    }
}
