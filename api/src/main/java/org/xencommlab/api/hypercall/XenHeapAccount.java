package org.xencommlab.api.hypercall;

/**
 * One domain's account at the Xen heap: a bounded byte budget shared by the whole machine, with a
 * per-domain quota so that one domain cannot exhaust what another needs.
 *
 * <p>An implementation must guarantee that a charge either succeeds whole or changes nothing, that
 * neither the global budget nor the domain's quota is ever exceeded, and that it is thread-safe.
 */
public interface XenHeapAccount {
    /**
     * Charges {@code bytes} to the domain. Returns false, charging nothing, when the domain's
     * quota or the global budget would be exceeded (the caller returns -ENOMEM).
     */
    boolean tryCharge(long bytes);

    /** Returns {@code bytes} previously charged by this domain. */
    void release(long bytes);

    /** Bytes the domain holds now. */
    long used();

    /** The domain's quota in bytes. */
    long quota();
}
