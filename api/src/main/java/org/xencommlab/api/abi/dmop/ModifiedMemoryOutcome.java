package org.xencommlab.api.abi.dmop;

/**
 * What a modified_memory dm_op gave back.
 *
 * @param result 0, or a negative errno
 * @param op the operation structure as the hypervisor left it in buffer 0 ({@code nr_extents}
 *     counts the extents not done; Xen copies it back on success or continuation only)
 */
public record ModifiedMemoryOutcome(long result, ModifiedMemoryOp op) {}
