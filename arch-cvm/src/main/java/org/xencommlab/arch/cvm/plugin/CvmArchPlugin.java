package org.xencommlab.arch.cvm.plugin;

import com.google.inject.Module;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.paging.CvmAddressSpace;

/**
 * The confidential-VM backend ({@code --arch cvm}), in the style of AMD SEV-SNP and Intel TDX:
 * guest memory is private; the hypervisor reads and writes only frames the guest converted to
 * shared, by guest-physical address. Parameters:
 * <ul>
 *   <li>{@code buffers} = {@code bounce} (default) | {@code shared}: the kernel bounces every buffer
 *       a call carries through its swiotlb-like pool, or a tool's buffers are converted to shared
 *       when made and back when freed;</li>
 *   <li>{@code bounce-pages} (default 256, 64..262144): pages of each kernel's bounce pool.</li>
 * </ul>
 */
public final class CvmArchPlugin implements ArchPlugin {
    public static final String NAME = "cvm";
    public static final String BUFFERS = "buffers";
    public static final String BOUNCE_PAGES = "bounce-pages";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.choice(BUFFERS, "bounce",
                    "bounce: the kernel copies every buffer a call carries through its shared bounce pool; shared: a tool's buffers are converted to shared when made and back when freed",
                    "bounce", "shared"),
            ParameterSpec.number(BOUNCE_PAGES, CvmConfig.DEFAULT_BOUNCE_PAGES, CvmConfig.MIN_BOUNCE_PAGES, CvmConfig.MAX_BOUNCE_PAGES,
                    "pages of each kernel's bounce pool (2 KiB slots, at most 128 slots a mapping), converted to shared once"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "confidential VM (SEV-SNP/TDX style): private memory; the hypervisor reaches only pages converted to shared, by guest-physical address; buffers bounced or shared";
    }

    @Override
    public PageSize pageSize() {
        return CvmAddressSpace.PAGE_SIZE;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    /** A conversion per buffer instead of a copy per call, beside the default bounce pool. */
    @Override
    public List<Map<String, String>> variants() {
        return List.of(Map.of(BUFFERS, "shared"));
    }

    /** cvm's own counters and gauges ({@link CvmMetrics}). */
    @Override
    public List<MetricDefinition> metrics() {
        return CvmMetrics.metrics();
    }

    /** The cost events of a page-state conversion ({@link CvmMetrics}). */
    @Override
    public List<CostDefinition> costs() {
        return CvmMetrics.costs();
    }

    @Override
    public Module module(Parameters parameters) {
        return new CvmModule(config(parameters));
    }

    /** The configuration {@code parameters} stand for. */
    public static CvmConfig config(Parameters parameters) {
        long pages = parameters.getLong(BOUNCE_PAGES);
        if (pages < CvmConfig.MIN_BOUNCE_PAGES || pages > CvmConfig.MAX_BOUNCE_PAGES) {
            throw new IllegalArgumentException("bad value '" + pages + "' for " + BOUNCE_PAGES + "; valid: "
                    + CvmConfig.MIN_BOUNCE_PAGES + ".." + CvmConfig.MAX_BOUNCE_PAGES);
        }
        return new CvmConfig(CvmConfig.BufferMode.valueOf(parameters.get(BUFFERS).toUpperCase(Locale.ROOT)), (int) pages);
    }
}
