package org.xencommlab.hypervisor.domain;

/**
 * What a new domain is made of.
 *
 * @param domid the domain id, 0 .. {@link DomainTable#DOMID_FIRST_RESERVED} - 1
 * @param privileged whether it is the control domain (dom0)
 * @param vcpus its number of vCPUs
 * @param memoryBytes memory populated at creation (guest frames {@code 0 .. n-1}), rounded up to pages
 * @param maxMemoryBytes its maximum reservation, rounded up to pages; this is also the size of its
 *     guest-physical address space, so a balloon can give frames back and take them again
 */
public record DomainSpec(int domid, boolean privileged, int vcpus, long memoryBytes, long maxMemoryBytes) {
    /** dom0: domid 0, privileged, one vCPU, no room above its initial memory. */
    public static DomainSpec dom0(long memoryBytes) {
        return new DomainSpec(0, true, 1, memoryBytes, memoryBytes);
    }

    /** An unprivileged guest with one vCPU and no room above its initial memory. */
    public static DomainSpec guest(int domid, long memoryBytes) {
        return new DomainSpec(domid, false, 1, memoryBytes, memoryBytes);
    }

    public DomainSpec withVcpus(int count) {
        return new DomainSpec(domid, privileged, count, memoryBytes, maxMemoryBytes);
    }

    public DomainSpec withMaxMemoryBytes(long bytes) {
        return new DomainSpec(domid, privileged, vcpus, memoryBytes, bytes);
    }
}
