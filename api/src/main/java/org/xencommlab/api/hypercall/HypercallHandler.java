package org.xencommlab.api.hypercall;

/**
 * The code behind one hypercall number in the hypervisor's dispatch table.
 *
 * <p>A handler may be contributed by the hypervisor module (arch-neutral hypercalls), by an arch
 * plugin's Guice module (a stateless {@code arch_N} hypercall), or by a domain's
 * {@link org.xencommlab.api.xencomm.DomainArchState#hypercall} (an {@code arch_N} hypercall bound
 * to that domain's arch state, called only for that domain). An implementation must guarantee:
 * <ul>
 *   <li>it reaches the calling guest only through {@code context} (its memory, through
 *       {@link HypercallContext#guest()}; its arguments, through {@code args});</li>
 *   <li>it reads each guest structure once: it copies the bytes into hypervisor memory, validates
 *       the copy and works from it, because the guest may change its memory concurrently;</li>
 *   <li>on bad input it returns a negative Xen errno and leaves hypervisor state as it found it,
 *       except for work already reported as done (extents done, entries completed);</li>
 *   <li>it may throw {@link org.xencommlab.api.errno.XenException}: the entry turns it into the
 *       errno; any other exception is a bug in the handler, which the entry also contains.</li>
 * </ul>
 */
@FunctionalInterface
public interface HypercallHandler {
    /**
     * Executes the hypercall.
     *
     * @param context the calling domain and vCPU, and every service a handler may use
     * @param args the five argument words, exactly as the guest passed them
     * @return a non-negative result, a negative errno, or the value of
     *     {@link HypercallContext#createContinuation(long, long...)}
     */
    long handle(HypercallContext context, long[] args);
}
