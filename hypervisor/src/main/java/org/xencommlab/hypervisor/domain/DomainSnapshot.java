package org.xencommlab.hypervisor.domain;

/**
 * What the hypervisor can say about a live domain (what {@code sysctl getdomaininfolist} reports,
 * and more).
 *
 * @param domid the domain id
 * @param privileged whether it is the control domain
 * @param vcpus its vCPUs
 * @param totPages pages it holds
 * @param maxPages its reservation
 * @param pinnedFrames frames pinned for the hypervisor
 * @param dirtyPages pages written since its dirty log was last cleaned
 * @param heapBytes Xen heap bytes charged to it
 */
public record DomainSnapshot(int domid, boolean privileged, int vcpus, long totPages, long maxPages, long pinnedFrames,
        long dirtyPages, long heapBytes) {}
