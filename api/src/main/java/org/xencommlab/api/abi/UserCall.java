package org.xencommlab.api.abi;

import static java.util.Objects.requireNonNull;

/**
 * A user tool's hypercall as a strategy's kernel side carries it ({@link ArgumentStrategy#carryUserCall}):
 * the words the kernel issues, and what the strategy does once the hypercall returned.
 *
 * @param args the argument words to issue (copied)
 * @param completion run by the kernel after the hypercall returned (before it frees the strategy's
 *     kernel copies); it may throw a {@link org.xencommlab.api.errno.XenException}, which the tool
 *     sees as the call's result
 */
public record UserCall(long[] args, Runnable completion) {
    public UserCall {
        args = requireNonNull(args, "args is null").clone();
        requireNonNull(completion, "completion is null");
    }

    /** The words unchanged, nothing to do afterwards. */
    public static UserCall unchanged(long[] args) {
        return new UserCall(args, () -> {});
    }

    @Override
    public long[] args() {
        return args.clone();
    }
}
