package org.xencommlab.hypervisor.handlers;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.hypervisor.entry.HypercallEntry;
import org.xencommlab.hypervisor.entry.SubCall;

/**
 * {@code multicall(call_list, nr_calls)} (xen/common/multicall.c {@code do_multicall}).
 *
 * <p>The list is decoded only through the run's {@link ArgumentStrategy}: in the pointer form
 * {@code args[0]} names an array of 64-byte {@code multicall_entry}; in the embedded form it names
 * one block holding the entries, and each entry's memory argument names that call's own block
 * inside the same placement. Each entry is copied once, run through the hypervisor's dispatch
 * table ({@link HypercallEntry#dispatchSubCall}, its first five argument words, as Xen passes
 * them), and only its {@code result} word is written back. An entry that is itself a multicall
 * gets -EINVAL in its {@code result} and is not run (Xen refuses multicall re-entry); an unknown
 * hypercall gets -ENOSYS there. A sub-call's failure is its entry's result; the multicall goes on.
 *
 * <p>Results: 0 when every entry ran. The multicall's own errors (the entries after it are not
 * run; those before it keep their results): a bad list (malformed, truncated or oversized
 * embedded block) -EINVAL or -E2BIG, as the strategy refuses it; a pointer-form list that the
 * arch's {@code access_ok} refuses as a whole (Xen's {@code guest_handle_okay(call_list, nr_calls)},
 * e.g. one that wraps past the top of the address space) -EFAULT before any entry runs; an entry
 * that cannot be read or whose result cannot be written -EFAULT.
 *
 * <p><b>Continuation.</b> Before each entry but the first of an entry into the hypervisor, the
 * handler polls {@link HypercallContext#preemptionPending()}; when it answers true the multicall is
 * continued at entry {@code i}: entries before {@code i} are not run again. In the pointer form
 * the continuation is Xen's, {@code (call_list advanced by i entries, nr_calls - i)}
 * ({@code hypercall_create_continuation(__HYPERVISOR_multicall, "hi", call_list, nr_calls-i)}),
 * the list advanced by the arch ({@link org.xencommlab.api.hypercall.GuestCopy#advance}); like
 * Xen, the handler never reads a third argument word. The embedded form is the lab's own ABI:
 * its one block starts with a header the hypervisor must find again, so it cannot be advanced,
 * and the entry to resume at travels in the third word ({@link MulticallArguments}). A sub-call
 * that is itself preempted (a long memory_op, console write or dm_op) is handled as Xen's
 * {@code do_multicall} handles it: the sub-call's continuation (its rewritten op and argument
 * words; the sixth word and the {@code result} word as the guest left them) is copied into the
 * guest's entry {@code i}, and the multicall is continued at {@code i}, so the next entry into the
 * hypervisor re-reads entry {@code i} and runs the continuation. Every entry ends with one result,
 * and no work is done twice. If that copy fails, the sub-call's continuation is dropped (the work
 * it did stays done, as in Xen) and the multicall returns -EFAULT.
 */
@Singleton
public final class MulticallHandler implements HypercallHandler {
    private final ArgumentStrategy strategy;
    private final Provider<HypercallEntry> entry;

    /**
     * @param entry the hypercall entry whose dispatch table runs the sub-calls (a provider: the
     *     entry's table holds this handler)
     */
    @Inject
    public MulticallHandler(ArgumentStrategy strategy, Provider<HypercallEntry> entry) {
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.entry = requireNonNull(entry, "entry is null");
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        boolean xenEncoding = strategy.followsXenArgumentWords();
        long[] words = args;
        if (xenEncoding && args.length > 2 && args[2] != 0) {
            words = args.clone();
            words[2] = 0; // do_multicall(call_list, nr_calls) has no third parameter
        }
        MulticallArguments calls = strategy.decode(MulticallArguments.KIND, context.guest(), words);
        HypercallEntry dispatcher = entry.get();
        long[] subArgs = new long[HypercallEntry.MAX_ARGS];
        for (int i = calls.start(); i < calls.nrCalls(); i++) {
            if (i != calls.start() && context.preemptionPending()) {
                return context.createContinuation(HypercallNumber.MULTICALL, continuation(context, calls, args, i, xenEncoding));
            }
            MulticallEntry call = calls.readEntry(i);
            if (call.isNested()) {
                context.metrics().recordError(XenErrno.EINVAL);
                calls.writeResult(i, XenErrno.EINVAL.asResult());
                continue;
            }
            for (int a = 0; a < subArgs.length; a++) {
                subArgs[a] = call.arg(a);
            }
            SubCall sub = dispatcher.dispatchSubCall(context, call.op(), subArgs);
            if (sub.preempted()) {
                long[] subWords = sub.continuationArgs();
                long[] entryArgs = call.args();
                System.arraycopy(subWords, 0, entryArgs, 0, subWords.length);
                try {
                    calls.writeEntry(i, new MulticallEntry(sub.continuationOp(), call.result(), entryArgs));
                    return context.createContinuation(HypercallNumber.MULTICALL, continuation(context, calls, args, i, xenEncoding));
                } catch (XenException e) {
                    return e.asResult();
                }
            }
            calls.writeResult(i, sub.result());
        }
        return 0;
    }

    /**
     * The words that continue the multicall at entry {@code i}: Xen's {@code (call_list + i,
     * nr_calls - i)} in the pointer form, the strategy's own in the embedded form.
     *
     * @throws XenException when the arch cannot advance the list reference
     */
    private static long[] continuation(HypercallContext context, MulticallArguments calls, long[] args, int i,
            boolean xenEncoding) {
        if (!xenEncoding) {
            return calls.continuationArgs(i);
        }
        MemoryReference advanced = context.guest().advance(new MemoryReference(args[0]), (long) i * MulticallEntry.SIZE);
        return new long[] {advanced.value(), Integer.toUnsignedLong(calls.nrCalls()) - i};
    }
}
