package org.xencommlab.api.abi;

/**
 * Where a user tool's library puts the argument memory a strategy places
 * ({@link ArgumentStrategy#toolArgumentMemory}). The library opens that kind of room, sized by the
 * strategy's size query, and hands it to {@link ArgumentStrategy#prepare}; it never asks which
 * strategy runs.
 */
public enum ToolArgumentMemory {
    /**
     * The arch's hypercall buffers ({@code alloc_buf}/{@code alloc_mem}): memory the hypervisor can
     * reach as the tool wrote it (locked on x86, registered on ppc), named by the arch's references.
     */
    HYPERCALL_BUFFER,
    /**
     * The tool's ordinary memory, neither locked nor registered, named by user addresses: the
     * hypervisor cannot be given it as it is, so the strategy's kernel side
     * ({@link ArgumentStrategy#carryUserCall}) moves it into kernel memory during the call.
     */
    ORDINARY_MEMORY
}
