package org.xencommlab.api.abi.sysctl;

import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * A guest's {@code XEN_SYSCTL_getdomaininfolist}: up to {@code maxDomains} records from
 * {@code firstDomain} up. The caller cannot know how many domains exist; when the outcome holds
 * {@code maxDomains} records it asks again from the last one's id + 1 (or with more room).
 *
 * @param firstDomain the lowest domain id to report, 0 to 65535
 * @param maxDomains records of room
 */
public record GetDomainInfoListRequest(int firstDomain, int maxDomains) implements HypercallRequest<DomainInfoListOutcome> {
    public GetDomainInfoListRequest {
        if (firstDomain < 0 || firstDomain > 0xFFFF) {
            throw new IllegalArgumentException("first_domain is not a u16: " + firstDomain);
        }
        if (maxDomains < 0) {
            throw new IllegalArgumentException("negative max_domains");
        }
    }

    @Override
    public int hypercall() {
        return HypercallNumber.SYSCTL;
    }
}
