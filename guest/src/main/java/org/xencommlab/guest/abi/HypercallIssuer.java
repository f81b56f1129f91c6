package org.xencommlab.guest.abi;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * The one way a guest caller issues a request part, for a user tool ({@code XcCalls}) and for the
 * kernel ({@link KernelHypercalls}) alike: ask the strategy how many bytes the part needs (its size
 * query, nothing placed), open room for exactly that, let the strategy prepare the part into it,
 * issue, read the outcome, release the room. Only where the room is and how the call is issued
 * differ, and a {@link Channel} says that.
 *
 * <pre>{@code
 * HypercallIssuer issuer = new HypercallIssuer(strategy);
 * for (var part : strategy.split(request)) {
 *     R out = issuer.call(part, channel);
 * }
 * }</pre>
 */
public final class HypercallIssuer {
    /** For calls that name no memory: placing anything is a strategy bug. */
    private static final ArgumentPlacement NO_MEMORY = (src, offset, length) -> {
        throw new IllegalStateException("a call measured to need no memory placed " + length + " bytes");
    };

    /** Where one caller's argument memory goes, and how its calls are issued. */
    public interface Channel<P extends ArgumentPlacement> {
        /** Room for {@code bytes} (more than 0) bytes of arguments. */
        P open(int bytes);

        /** Issues {@code op} with {@code args}; {@code placement} is the room opened for it, or null when the call names no memory. */
        long issue(int op, long[] args, P placement);

        /** Releases what {@link #open} took; called once the outcome was read, whatever happened. */
        default void close(P placement) {}

        /** Told when the strategy refuses the part before anything is placed (E2BIG: it should have been split). */
        default void refused(XenException e) {}
    }

    private final ArgumentStrategy strategy;

    public HypercallIssuer(ArgumentStrategy strategy) {
        this.strategy = requireNonNull(strategy, "strategy is null");
    }

    /**
     * Issues one part (it must fit: split it first) through {@code channel} and reads its outcome.
     *
     * @throws XenException E2BIG for a part the strategy would have split; whatever the channel throws
     */
    public <R, P extends ArgumentPlacement> R call(HypercallRequest<R> part, Channel<P> channel) {
        int bytes;
        try {
            bytes = strategy.argumentBytes(part);
        } catch (XenException e) {
            channel.refused(e);
            throw e;
        }
        if (bytes == 0) {
            PreparedCall<R> prepared = strategy.prepare(NO_MEMORY, part);
            return prepared.complete(channel.issue(prepared.op(), prepared.args(), null));
        }
        P placement = channel.open(bytes);
        try {
            PreparedCall<R> prepared = strategy.prepare(placement, part);
            return prepared.complete(channel.issue(prepared.op(), prepared.args(), placement));
        } finally {
            channel.close(placement);
        }
    }

    /**
     * Throws the errno a negative result stands for (EINVAL if it is not one of Xen's); the one
     * check every caller makes on a result.
     */
    public static void check(long result, String what) {
        if (result < 0) {
            throw new XenException(XenErrno.fromResult(result).orElse(XenErrno.EINVAL), what + " failed: " + XenErrno.describeResult(result));
        }
    }
}
