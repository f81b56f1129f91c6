package org.xencommlab.api.xencomm;

import org.xencommlab.api.hypercall.XenHeapAccount;

/**
 * What the hypervisor lends a {@link DomainArchState} while it is released (the domain is being
 * destroyed): a way to drop frame pins and the domain's heap account.
 *
 * <p>The hypervisor guarantees that a teardown is valid only during the one
 * {@link DomainArchState#release} call it is passed to, that the domain answers no hypercall any
 * more by then, and that the domain's frames and heap account are still open (they are reclaimed
 * after {@code release} returns, and whatever the state left pinned or charged is then counted as
 * a leak by the hypervisor's audit).
 */
public interface DomainTeardown {
    /** Drops a frame reference taken with {@link org.xencommlab.api.hypercall.HypercallContext#pinFrame(long)}. */
    void unpinFrame(long gfn);

    /** The domain's heap account, to release charges. */
    XenHeapAccount heap();
}
