package org.example.xencomm.phys;

import com.google.inject.Module;
import java.util.List;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;

/**
 * {@code --arch phys}: a hypervisor that sees guest-physical addresses only, and tool buffers made
 * of kernel-contiguous pages mapped into the tool, so that a reference is a (tagged) physical
 * address and needs no page walk, registration or descriptor. Listed in
 * {@code META-INF/services/org.xencommlab.api.plugin.ArchPlugin}.
 *
 * <p>Parameter {@code buffer-limit}: pages of buffers one process may hold (default 64).
 */
public final class PhysArchPlugin implements ArchPlugin {
    static final String BUFFER_LIMIT = "buffer-limit";

    /** User space from 64 KiB to 2^47, the kernel's direct map high, 48-bit canonical addresses. */
    static final AddressSpaceLayout LAYOUT =
            new AddressSpaceLayout(0x1_0000L, 0x7fff_ffff_f000L, 0xffff_8880_0000_0000L, 48);

    @Override
    public String name() {
        return "phys";
    }

    @Override
    public String description() {
        return "a hypervisor that sees guest-physical addresses; tool buffers are kernel-contiguous pages mapped into the tool";
    }

    @Override
    public PageSize pageSize() {
        return PageSize.SIZE_4K;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(BUFFER_LIMIT, 64, 1, 1 << 16, "pages of hypercall buffers one process may hold"));
    }

    @Override
    public List<MetricDefinition> metrics() {
        return List.of(PhysMetrics.BUFFER_MAPS);
    }

    @Override
    public List<CostDefinition> costs() {
        return List.of(PhysMetrics.BUFFER_MAP);
    }

    @Override
    public Module module(Parameters parameters) {
        return new PhysModule((int) parameters.getLong(BUFFER_LIMIT));
    }
}
