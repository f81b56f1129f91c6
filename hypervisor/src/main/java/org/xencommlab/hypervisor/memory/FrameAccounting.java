package org.xencommlab.hypervisor.memory;

/**
 * The machine's frame accounting at one moment.
 *
 * @param totalFrames frames of machine memory
 * @param freeFrames frames in the free pool
 * @param allocatedFrames frames owned by domains
 * @param backedFrames frames holding real bytes now (the rest read as zero and cost nothing)
 * @param scrubbedFrames frames scrubbed on their way back to the free pool, since boot
 * @param leakedPins pins left on frames of destroyed domains (dropped at destruction), since boot
 */
public record FrameAccounting(long totalFrames, long freeFrames, long allocatedFrames, long backedFrames,
        long scrubbedFrames, long leakedPins) {}
