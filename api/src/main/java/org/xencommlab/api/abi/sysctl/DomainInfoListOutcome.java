package org.xencommlab.api.abi.sysctl;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a getdomaininfolist call gave back.
 *
 * @param result 0, or a negative errno
 * @param domains the records written ({@code num_domains} of them, at most {@code max_domains}; none on error)
 */
public record DomainInfoListOutcome(long result, List<DomainInfo> domains) {
    public DomainInfoListOutcome {
        domains = List.copyOf(requireNonNull(domains, "domains is null"));
    }
}
