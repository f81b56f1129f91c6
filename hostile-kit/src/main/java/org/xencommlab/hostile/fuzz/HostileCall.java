package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

/**
 * One hostile call as it was issued: the family it came from, the hypercall number, the argument
 * words and the result.
 *
 * @param family the generator's family ({@code raw}, {@code corrupted}, {@code foreign}, …)
 * @param op the hypercall number
 * @param args the argument words as issued
 * @param result the hypercall's result, or a Xen errno the guest's driver returned
 */
public record HostileCall(String family, long op, long[] args, long result) {
    public HostileCall {
        requireNonNull(family, "family is null");
        args = args.clone();
    }

    @Override
    public long[] args() {
        return args.clone();
    }

    /** One line: family, op and words in hex, result. */
    public String describe() {
        StringBuilder text = new StringBuilder(family).append(' ')
                .append(org.xencommlab.api.hypercall.HypercallNumber.name(op)).append('(');
        for (int i = 0; i < args.length; i++) {
            text.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(args[i]));
        }
        return text.append(") = ").append(org.xencommlab.api.errno.XenErrno.describeResult(result)).toString();
    }
}
