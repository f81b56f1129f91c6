package org.xencommlab.arch.x86.plugin;

import com.google.inject.Module;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.paging.X86AddressSpace;

/**
 * The x86 backend ({@code --arch x86}): references are guest virtual addresses, resolved by
 * walking the guest's four-level page tables; tool buffers are mlocked, left unlocked, or come from
 * the hypercall device.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code buffers} = {@code mlock} (default) | {@code unlocked} | {@code device}: mlocked
 *       anonymous memory, the same memory never locked (so the swapper may take it mid-call), or
 *       pages of the hypercall device;</li>
 *   <li>{@code align} = {@code page} (default) | {@code none}: placement of mlocked buffers;</li>
 *   <li>{@code device-limit} = pages one open of the device may map (default 64).</li>
 * </ul>
 */
public final class X86ArchPlugin implements ArchPlugin {
    public static final String NAME = "x86";
    public static final String BUFFERS = "buffers";
    public static final String ALIGN = "align";
    public static final String DEVICE_LIMIT = "device-limit";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.choice(BUFFERS, "mlock",
                    "where tool buffers live: mlocked anonymous memory, the same memory never locked, or pages of the hypercall device (/dev/xen/hypercall)",
                    "mlock", "unlocked", "device"),
            ParameterSpec.choice(ALIGN, "page",
                    "mlocked buffers page-aligned, or packed malloc-style so munlock of one unlocks its neighbour's page (the 2008 bug)",
                    "page", "none"),
            ParameterSpec.number(DEVICE_LIMIT, X86BufferConfig.DEFAULT_DEVICE_LIMIT_PAGES, 0, 1 << 20,
                    "pages one open of the hypercall device may have mapped at once (Linux privcmd-buf limit)"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "x86-64 PV: references are guest virtual addresses the hypervisor resolves by walking 4-level page tables; buffers mlocked or device-mapped";
    }

    @Override
    public PageSize pageSize() {
        return X86AddressSpace.PAGE_SIZE;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    /**
     * Linux's answer (a privcmd-buf device), buffers never locked (why x86 mlocks), and the 2008
     * libxc bug (buffers packed into shared pages), beside the default page-aligned mlocked
     * buffers.
     */
    @Override
    public List<Map<String, String>> variants() {
        return List.of(Map.of(BUFFERS, "device"), Map.of(BUFFERS, "unlocked"), Map.of(ALIGN, "none"));
    }

    @Override
    public Module module(Parameters parameters) {
        return new X86Module(bufferConfig(parameters));
    }

    /**
     * The buffer configuration {@code parameters} describe.
     *
     * @throws IllegalArgumentException for a value out of range
     */
    public static X86BufferConfig bufferConfig(Parameters parameters) {
        long limit = parameters.getLong(DEVICE_LIMIT);
        if (limit > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad value '" + limit + "' for " + DEVICE_LIMIT + "; valid: at most " + Integer.MAX_VALUE);
        }
        return new X86BufferConfig(
                X86BufferConfig.Buffers.fromParameter(parameters.get(BUFFERS)),
                X86BufferConfig.Alignment.fromParameter(parameters.get(ALIGN)),
                (int) limit);
    }
}
