package org.xencommlab.guest.abi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.xencomm.KernelXencomm;

/**
 * Hypercalls a guest kernel issues on its own behalf (the balloon driver), in whichever form the
 * run's {@link ArgumentStrategy} speaks, through the same {@link HypercallIssuer} a tool's library
 * uses: each part is prepared into kernel memory ({@link KernelPlacement}), issued from kernel
 * mode ({@link KernelServices#hypercall}) and its outcome read back from the same memory.
 *
 * <pre>{@code
 * KernelHypercalls calls = new KernelHypercalls(kernel, kernel.xencomm(), strategy);
 * for (var part : calls.split(request)) {
 *     ReservationOutcome out = calls.call(part);          // kmalloc, prepare, hypercall, complete, kfree
 * }
 * }</pre>
 */
public final class KernelHypercalls {
    private final KernelServices kernel;
    private final KernelXencomm xencomm;
    private final ArgumentStrategy strategy;
    private final HypercallIssuer issuer;
    /** An arena of its own per call: kmalloc'd to the part's size when first placed in, kfree'd once the outcome is read. */
    private final HypercallIssuer.Channel<KernelPlacement> ownArena = new HypercallIssuer.Channel<>() {
        @Override
        public KernelPlacement open(int bytes) {
            // kmalloc'd at the first piece placed: a strategy that carries the call in the kernel's
            // per-vCPU pages allocates nothing per call.
            return KernelPlacement.onFirstPlace(kernel, xencomm, bytes);
        }

        @Override
        public long issue(int op, long[] args, KernelPlacement placement) {
            return placement == null ? kernel.hypercall(op, args) : placement.issue(() -> kernel.hypercall(op, args));
        }

        @Override
        public void close(KernelPlacement placement) {
            placement.close();
        }
    };

    public KernelHypercalls(KernelServices kernel, KernelXencomm xencomm, ArgumentStrategy strategy) {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.xencomm = requireNonNull(xencomm, "xencomm is null");
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.issuer = new HypercallIssuer(strategy);
    }

    public KernelServices kernel() {
        return kernel;
    }

    public ArgumentStrategy strategy() {
        return strategy;
    }

    public KernelXencomm xencomm() {
        return xencomm;
    }

    /** {@code request} cut as the strategy must carry it ({@link ArgumentStrategy#split}). */
    public <Q extends HypercallRequest<?>> List<Q> split(Q request) {
        return strategy.split(request);
    }

    /** A kernel arena big enough for {@code part} (ENOMEM when the kernel has none; E2BIG from the strategy). */
    public KernelPlacement arenaFor(HypercallRequest<?> part) {
        return KernelPlacement.allocate(kernel, xencomm, strategy.argumentBytes(part));
    }

    /**
     * Issues one part (it must fit: {@link #split} first) with an arena of its own, freed before
     * returning whatever happened.
     *
     * @throws XenException ENOMEM when no kernel memory is left for the arguments; E2BIG for a part
     *     the strategy would have split
     */
    public <R> R call(HypercallRequest<R> part) {
        return issuer.call(part, ownArena);
    }

    /**
     * Issues one part with its arguments in {@code arena}, which is reset first and stays
     * allocated (the caller frees it), so that a driver can reuse one arena for a run of parts.
     */
    public <R> R call(KernelPlacement arena, HypercallRequest<R> part) {
        requireNonNull(arena, "arena is null");
        return issuer.call(part, new HypercallIssuer.Channel<KernelPlacement>() {
            @Override
            public KernelPlacement open(int bytes) {
                arena.reset();
                return arena;
            }

            @Override
            public long issue(int op, long[] args, KernelPlacement placement) {
                return placement == null ? kernel.hypercall(op, args) : placement.issue(() -> kernel.hypercall(op, args));
            }
        });
    }
}
