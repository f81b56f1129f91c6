package org.xencommlab.strategy.percpu.plugin;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.strategy.percpu.form.PercpuPageStrategy;

/**
 * The plugin of the {@code percpu-page} strategy. No parameters: a page is the archs' 4 KiB page.
 * It declares one counter, {@code percpuPageWaits}, and no cost: a wait adds latency to the
 * waiting call, not work, and the work of the call it waits for is priced already.
 */
public final class PercpuPageStrategyPlugin implements StrategyPlugin {
    @Override
    public String name() {
        return PercpuPageStrategy.NAME;
    }

    @Override
    public String description() {
        return "embedded blocks in per-vCPU input and output pages set up once (Hyper-V, SEV-ES GHCB); one page bounds a call";
    }

    @Override
    public List<MetricDefinition> metrics() {
        return List.of(PercpuPageStrategy.PAGE_WAITS);
    }

    @Override
    public ArgumentStrategy create(Parameters parameters) {
        return new PercpuPageStrategy();
    }
}
