package org.xencommlab.arch.cvm;

import static java.util.Objects.requireNonNull;

/**
 * The cvm backend's configuration, made from the plugin's parameters.
 *
 * @param buffers how a tool's hypercall memory reaches the hypervisor: bounced through the
 *     kernel's swiotlb-like pool for each call, or its buffers converted to shared when made
 * @param bouncePages pages of each kernel's bounce pool, converted to shared once when the
 *     kernel first needs it (at least {@link #MIN_BOUNCE_PAGES}: one largest mapping)
 */
public record CvmConfig(BufferMode buffers, int bouncePages) {
    /** Bytes of one bounce slot: Linux's {@code IO_TLB_SIZE} (1 &lt;&lt; {@code IO_TLB_SHIFT} = 11). */
    public static final int SLOT_BYTES = 2048;
    /** Slots one mapping may use: Linux's {@code IO_TLB_SEGSIZE}, so 256 KiB. */
    public static final int MAX_SLOTS_PER_MAPPING = 128;
    /** The smallest pool: one largest mapping (64 pages of 4 KiB). */
    public static final int MIN_BOUNCE_PAGES = 64;
    /** The largest pool the lab accepts: Linux's 1 GiB cap. */
    public static final int MAX_BOUNCE_PAGES = 1 << 18;
    /**
     * The lab's default: 1 MiB. Linux's rule for an SEV guest (6% of RAM, clamped to 64 MiB..1 GiB)
     * gives 64 MiB for any guest under about 1 GiB, more than the lab's guests hold (dom0 64 MiB,
     * domUs 16 MiB or 1 MiB); see docs/ARCHITECTURE.md.
     */
    public static final int DEFAULT_BOUNCE_PAGES = 256;

    /** How a tool's hypercall memory reaches the hypervisor. */
    public enum BufferMode {
        /** The kernel bounces every buffer a call carries (Linux's swiotlb for a CVM). */
        BOUNCE,
        /** A tool's buffers are converted to shared when made and back to private when freed. */
        SHARED
    }

    public CvmConfig {
        requireNonNull(buffers, "buffers is null");
        if (bouncePages < MIN_BOUNCE_PAGES || bouncePages > MAX_BOUNCE_PAGES) {
            throw new IllegalArgumentException("bounce-pages must be " + MIN_BOUNCE_PAGES + ".." + MAX_BOUNCE_PAGES + ": " + bouncePages);
        }
    }

    public static CvmConfig defaults() {
        return new CvmConfig(BufferMode.BOUNCE, DEFAULT_BOUNCE_PAGES);
    }

    /**
     * Linux's swiotlb size for an SEV guest of {@code ramBytes} (arch/x86/mm/mem_encrypt.c): 6% of
     * RAM, at least 64 MiB ({@code IO_TLB_DEFAULT_SIZE}), at most 1 GiB.
     */
    public static long linuxPoolBytes(long ramBytes) {
        long sixPercent = ramBytes / 100 * 6;
        return Math.min(Math.max(sixPercent, 64L << 20), 1L << 30);
    }
}
