package org.xencommlab.api.abi.dmop;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * A device model's {@code XEN_DMOP_modified_memory} on domain {@code domid}.
 *
 * @param domid the target domain, 0 to 65535
 * @param extents the runs of pages modified
 */
public record ModifiedMemoryRequest(int domid, List<ModifiedMemoryExtent> extents) implements HypercallRequest<ModifiedMemoryOutcome> {
    public ModifiedMemoryRequest {
        if (domid < 0 || domid > 0xFFFF) {
            throw new IllegalArgumentException("domid is not a u16: " + domid);
        }
        extents = List.copyOf(requireNonNull(extents, "extents is null"));
    }

    @Override
    public int hypercall() {
        return HypercallNumber.DM_OP;
    }

    /** Requests of at most {@code maxExtents} extents each whose extents, concatenated, are these. */
    public List<ModifiedMemoryRequest> split(int maxExtents) {
        if (maxExtents <= 0) {
            throw new IllegalArgumentException("maxExtents must be positive: " + maxExtents);
        }
        if (extents.size() <= maxExtents) {
            return List.of(this);
        }
        List<ModifiedMemoryRequest> parts = new ArrayList<>();
        for (int from = 0; from < extents.size(); from += maxExtents) {
            parts.add(new ModifiedMemoryRequest(domid, extents.subList(from, Math.min(extents.size(), from + maxExtents))));
        }
        return List.copyOf(parts);
    }
}
