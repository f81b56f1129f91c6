package org.xencommlab.api.xencomm;

import static java.util.Objects.requireNonNull;

/**
 * A user's hypercall as the kernel will issue it, after the arch's guest half had its say: the
 * (possibly rewritten) arguments, and what to undo once the hypercall returned.
 *
 * @param args the argument words to issue
 * @param completion runs after the hypercall returns, whatever it returned (copies results back,
 *     frees descriptors, unpins pages)
 */
public record PreparedHypercall(long[] args, Runnable completion) {
    public PreparedHypercall {
        requireNonNull(args, "args is null");
        requireNonNull(completion, "completion is null");
    }

    /** The arguments unchanged, nothing to undo. */
    public static PreparedHypercall passThrough(long[] args) {
        return new PreparedHypercall(args, () -> {});
    }
}
