package org.xencommlab.strategy.embedded.form;

import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.multicall.MulticallBlock;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * What the embedded strategy's kernel side knows of the hypercall ABI to carry a tool's block, as
 * Linux's xencomm code kept a whitelist per hypercall: which argument word of each hypercall names
 * its memory (Xen's signatures: {@code memory_op(cmd, arg)}, {@code multicall(list, nr)},
 * {@code console_io(cmd, count, buffer)}, {@code sysctl(op)}, {@code dm_op(domid, nr, bufs)}),
 * and where a multicall block holds its entries, whose memory words name sub-blocks inside the
 * same block.
 */
final class EmbeddedArguments {
    private EmbeddedArguments() {}

    /** The argument word of hypercall {@code op} that names its memory, or -1 if it names none. */
    static int memoryArgument(long op) {
        if (op == HypercallNumber.MEMORY_OP) {
            return 1;
        }
        if (op == HypercallNumber.MULTICALL || op == HypercallNumber.SYSCTL) {
            return 0;
        }
        if (op == HypercallNumber.CONSOLE_IO || op == HypercallNumber.DM_OP) {
            return 2;
        }
        return -1;
    }

    /**
     * The byte positions, inside a multicall block of {@code length} bytes, of the entries' memory
     * words, for the first {@code nrCalls} entries that fit: every byte is the tool's, so the
     * count is bounded by the block and nested multicalls are left for the hypervisor to refuse.
     */
    static int[] nestedMemoryWords(byte[] block, long nrCalls) {
        long fit = Math.max(0, (block.length - MulticallBlock.ENTRIES_OFFSET) / MulticallEntry.SIZE);
        int n = (int) Math.min(fit, Math.max(0, nrCalls));
        int[] positions = new int[n];
        int found = 0;
        for (int i = 0; i < n; i++) {
            int entry = MulticallBlock.ENTRIES_OFFSET + i * MulticallEntry.SIZE;
            long op = LittleEndian.u64(block, entry + MulticallEntry.OP_OFFSET);
            int argument = op == HypercallNumber.MULTICALL ? -1 : memoryArgument(op);
            if (argument >= 0) {
                positions[found++] = entry + MulticallEntry.ARGS_OFFSET + 8 * argument;
            }
        }
        return java.util.Arrays.copyOf(positions, found);
    }
}
