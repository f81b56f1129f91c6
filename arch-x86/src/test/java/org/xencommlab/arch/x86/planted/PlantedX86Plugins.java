package org.xencommlab.arch.x86.planted;

import com.google.inject.Module;
import com.google.inject.util.Modules;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.plugin.X86ArchPlugin;

/**
 * The planted-defect backends as {@link ArchPlugin}s, for a test that hands a plug-in instance to
 * something that runs a whole machine (the fuzzer's explicit-plug-in entry, say). Each is the real
 * x86 plug-in ({@link X86ArchPlugin}: its parameters, page size and wiring) with one binding
 * replaced by the defective half. They are test fixtures: no {@code META-INF/services} file lists
 * them, so discovery (and {@code xencomm-lab list}) never sees them.
 */
public final class PlantedX86Plugins {
    /** The name of {@link #frameBoundSkipping()}. */
    public static final String FRAME_BOUND_SKIPPING = "x86-planted-frame-bound";
    /** The name of {@link #mappingCloseForgetting()}. */
    public static final String MAPPING_CLOSE_FORGETTING = "x86-planted-mapping-close";

    private PlantedX86Plugins() {}

    /** x86 whose page walk skips the RAM check on the frame it ends on ({@link FrameBoundSkippingResolver}). */
    public static ArchPlugin frameBoundSkipping() {
        return new Planted(FRAME_BOUND_SKIPPING,
                "PLANTED DEFECT (test fixture): x86 whose page walk does not check that the frame it ends on is the domain's RAM",
                new X86ArchPlugin().parameters(),
                parameters -> Modules.override(new X86ArchPlugin().module(parameters))
                        .with(binder -> binder.bind(GuestHandleResolver.class).toInstance(new FrameBoundSkippingResolver())));
    }

    /**
     * x86 whose hypercall device maps buffers without their close hook
     * ({@link MappingCloseForgettingXencomm}); {@code buffers} defaults to {@code device}, where the
     * defect is.
     */
    public static ArchPlugin mappingCloseForgetting() {
        List<ParameterSpec> parameters = new X86ArchPlugin().parameters().stream()
                .map(p -> p.name().equals(X86ArchPlugin.BUFFERS)
                        ? new ParameterSpec(p.name(), "device", p.allowedValues(), p.min(), p.max(), p.description())
                        : p)
                .toList();
        return new Planted(MAPPING_CLOSE_FORGETTING,
                "PLANTED DEFECT (test fixture): x86 whose hypercall device never gives a buffer's kernel pages back",
                parameters,
                values -> Modules.override(new X86ArchPlugin().module(values)).with(binder -> binder.bind(GuestXencomm.class)
                        .toInstance(new MappingCloseForgettingXencomm(X86ArchPlugin.bufferConfig(values)))));
    }

    /** The real x86 plug-in under another name, wired by {@code module}; it declares no metrics or costs of its own (x86 has none). */
    private static final class Planted implements ArchPlugin {
        private final X86ArchPlugin x86 = new X86ArchPlugin();
        private final String name;
        private final String description;
        private final List<ParameterSpec> parameters;
        private final Function<Parameters, Module> module;

        Planted(String name, String description, List<ParameterSpec> parameters, Function<Parameters, Module> module) {
            this.name = name;
            this.description = description;
            this.parameters = List.copyOf(parameters);
            this.module = module;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public PageSize pageSize() {
            return x86.pageSize();
        }

        @Override
        public List<ParameterSpec> parameters() {
            return parameters;
        }

        /** None: a planted backend is run in the one configuration a test names. */
        @Override
        public List<Map<String, String>> variants() {
            return List.of();
        }

        @Override
        public Module module(Parameters values) {
            return module.apply(values);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
