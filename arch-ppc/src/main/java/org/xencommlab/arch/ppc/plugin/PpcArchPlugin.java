package org.xencommlab.arch.ppc.plugin;

import com.google.inject.Module;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * The ppc arch backend: a real-mode hypervisor that resolves guest-physical addresses only. Found
 * with {@link java.util.ServiceLoader}. Parameters:
 * <ul>
 *   <li>{@code mode=registration|descriptor} (default registration): the mail's registered buffers
 *       ({@code bufid | offset}), or Xen's merged xencomm descriptors built per hypercall;</li>
 *   <li>{@code buffers=user|device} (default user): the tool's own pages, or pages of a physically
 *       contiguous area the kernel reserves and the tool maps from a device;</li>
 *   <li>{@code cleanup=on|off} (default on): whether the kernel releases a process's registrations
 *       when it exits or is killed;</li>
 *   <li>{@code max-registrations} (default 64, 1..1048576): live registrations each domain's two-level registration table may hold;</li>
 *   <li>{@code device-pages} (default 256, 1..4096): pages of the reserved device area.</li>
 * </ul>
 */
public final class PpcArchPlugin implements ArchPlugin {
    public static final String MODE = "mode";
    public static final String BUFFERS = "buffers";
    public static final String CLEANUP = "cleanup";
    public static final String MAX_REGISTRATIONS = "max-registrations";
    public static final String DEVICE_PAGES = "device-pages";

    @Override
    public String name() {
        return "ppc";
    }

    @Override
    public String description() {
        return "PowerPC: real-mode hypervisor; user buffers registered with it (bufid | offset) or described per hypercall by xencomm descriptors";
    }

    @Override
    public PageSize pageSize() {
        return PageSize.SIZE_4K;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.choice(MODE, "registration",
                        "registration: buffers registered with the hypervisor (bufid | offset); descriptor: a xencomm descriptor per hypercall",
                        "registration", "descriptor"),
                ParameterSpec.choice(BUFFERS, "user",
                        "user: the tool's own anonymous pages; device: pages of a kernel-reserved contiguous area mapped from a device",
                        "user", "device"),
                ParameterSpec.choice(CLEANUP, "on",
                        "on: the kernel unregisters a process's buffers when it exits or is killed; off: they leak",
                        "on", "off"),
                ParameterSpec.number(MAX_REGISTRATIONS, PpcConfig.DEFAULT_MAX_REGISTRATIONS, 1, PpcMemref.MAX_INDEX,
                        "slots in each domain's registration table; one more registration is -ENOSPC"),
                ParameterSpec.number(DEVICE_PAGES, PpcConfig.DEFAULT_DEVICE_PAGES, 1, 4096,
                        "pages of the kernel's reserved device area; a buffer beyond what is free is ENOMEM"));
    }

    /** The configuration {@code parameters} stand for. */
    public static PpcConfig config(Parameters parameters) {
        return new PpcConfig(
                PpcConfig.Mode.valueOf(parameters.get(MODE).toUpperCase(Locale.ROOT)),
                PpcConfig.BufferSource.valueOf(parameters.get(BUFFERS).toUpperCase(Locale.ROOT)),
                parameters.is(CLEANUP, "on"),
                toInt(parameters.getLong(MAX_REGISTRATIONS)),
                toInt(parameters.getLong(DEVICE_PAGES)));
    }

    /** ppc's own counters: registrations, unregistrations, descriptors, descriptor entries. */
    @Override
    public List<org.xencommlab.api.metrics.MetricDefinition> metrics() {
        return org.xencommlab.arch.ppc.metrics.PpcMetrics.metrics();
    }

    /** The cost events of ppc's own counters. */
    @Override
    public List<org.xencommlab.api.metrics.CostDefinition> costs() {
        return org.xencommlab.arch.ppc.metrics.PpcMetrics.costs();
    }

    /**
     * The mail's own answer to spanning (a reserved device area), what Xen merged (descriptors),
     * and Problem #4 without the kernel's clean-up, beside the default registration protocol.
     */
    @Override
    public List<Map<String, String>> variants() {
        return List.of(Map.of(BUFFERS, "device"), Map.of(MODE, "descriptor"), Map.of(CLEANUP, "off"));
    }

    @Override
    public Module module(Parameters parameters) {
        return new PpcModule(config(parameters));
    }

    private static int toInt(long value) {
        return value > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) value;
    }
}
