package org.xencommlab.api.hypercall;

/**
 * Hypercall numbers of Xen's public ABI (xen/include/public/xen.h). Arch-specific hypercalls use
 * the {@code arch_0}..{@code arch_7} slots, as real ports did.
 */
public final class HypercallNumber {
    public static final int MEMORY_OP = 12;
    public static final int MULTICALL = 13;
    public static final int XEN_VERSION = 17;
    public static final int CONSOLE_IO = 18;
    public static final int GRANT_TABLE_OP = 20;
    public static final int SYSCTL = 35;
    public static final int DOMCTL = 36;
    public static final int DM_OP = 41;
    /** First of the eight arch-specific hypercall numbers ({@code __HYPERVISOR_arch_0}). */
    public static final int ARCH_0 = 48;
    /** Last arch-specific hypercall number ({@code __HYPERVISOR_arch_7}). */
    public static final int ARCH_7 = 55;
    /** Size of the dispatch table: numbers at or above this are -ENOSYS without lookup. */
    public static final int TABLE_SIZE = 64;

    private HypercallNumber() {}

    /** Xen's name for a hypercall number, or {@code hypercall_N}. */
    public static String name(long op) {
        return switch ((int) op) {
            case MEMORY_OP -> "memory_op";
            case MULTICALL -> "multicall";
            case XEN_VERSION -> "xen_version";
            case CONSOLE_IO -> "console_io";
            case GRANT_TABLE_OP -> "grant_table_op";
            case SYSCTL -> "sysctl";
            case DOMCTL -> "domctl";
            case DM_OP -> "dm_op";
            default -> (op >= ARCH_0 && op <= ARCH_7) ? "arch_" + (op - ARCH_0) : "hypercall_" + op;
        };
    }

    /**
     * The sub-operation a call names in its first argument word, for per-call statistics:
     * {@code memory_op}'s command (its low 6 bits; the rest carry a continuation's progress),
     * {@code console_io}'s, {@code grant_table_op}'s, {@code xen_version}'s and an arch call's; -1
     * for calls whose sub-operation is not an argument word ({@code multicall}, {@code sysctl},
     * {@code domctl}, {@code dm_op}) or when there is no argument.
     */
    public static int subOp(long op, long[] args) {
        if (args == null || args.length == 0) {
            return -1;
        }
        return switch ((int) op) {
            case MEMORY_OP -> (int) (args[0] & 0x3f);
            case CONSOLE_IO, GRANT_TABLE_OP, XEN_VERSION -> (int) Math.min(Math.max(args[0], -1), Integer.MAX_VALUE);
            default -> (op >= ARCH_0 && op <= ARCH_7) ? (int) Math.min(Math.max(args[0], -1), Integer.MAX_VALUE) : -1;
        };
    }
}
