package org.xencommlab.api.abi.dmop;

/**
 * {@code dm_op}: {@code HYPERVISOR_dm_op(domid, nr_bufs, bufs)} (xen/arch/x86/hvm/dm.c). The
 * operation structure holds no guest handles; every buffer is listed in the top-level
 * {@code bufs} array, buffer 0 holds {@code struct xen_dm_op}, and the hypervisor addresses the
 * others as (index, offset) with bounds checks. The lab models one operation,
 * {@code XEN_DMOP_modified_memory}, whose buffer 1 is an array of extents.
 *
 * <p>Argument words, pointer form: {@code args[0]} the target domain (domid_t), {@code args[1]}
 * {@code nr_bufs} (unsigned int, at most {@link #MAX_BUFS}, else E2BIG), {@code args[2]} the
 * buffer array. Embedded form: {@code args[1]} must be 1 and {@code args[2]} names the one block.
 * Xen continues a dm_op with the same arguments; the progress is in the operation structure,
 * which it copies back to buffer 0.
 */
public final class DmOp {
    /** {@code XEN_DMOP_modified_memory}. */
    public static final int MODIFIED_MEMORY = 11;
    /**
     * {@code ARRAY_SIZE(op_size)} in xen/arch/x86/hvm/dm.c {@code dm_op} (Xen 4.19: the last
     * operation is {@code XEN_DMOP_nr_vcpus} = 20): an operation at or beyond it gets -EOPNOTSUPP.
     */
    public static final int OP_TABLE_SIZE = 21;
    /** {@code ARRAY_SIZE(struct dmop_args.buf)}: the most buffers a call may list. */
    public static final int MAX_BUFS = 2;
    /** {@code offsetof(struct xen_dm_op, u)}: the op number and its padding. */
    public static final int HEADER_SIZE = 8;
    /** The buffer that holds the extents of modified_memory. */
    public static final int EXTENTS_BUFFER = 1;

    private DmOp() {}
}
