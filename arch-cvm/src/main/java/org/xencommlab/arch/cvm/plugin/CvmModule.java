package org.xencommlab.arch.cvm.plugin;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.counts.CvmCounts;
import org.xencommlab.arch.cvm.guest.CvmGuestXencomm;
import org.xencommlab.arch.cvm.hypervisor.CvmGuestHandleResolver;
import org.xencommlab.arch.cvm.hypervisor.PageStateHypercall;
import org.xencommlab.arch.cvm.paging.CvmAddressSpace;
import org.xencommlab.arch.cvm.paging.CvmPageTableFormat;
import org.xencommlab.arch.cvm.psc.PageStateChange;

/**
 * The cvm backend's wiring for one configuration: {@link CvmConfig}, {@link CvmCounts} (one per
 * run), {@link PageTableFormat}, {@link AddressSpaceLayout}, {@link GuestHandleResolver},
 * {@link GuestXencomm}, and the {@code arch_0} page-state change hypercall in the
 * {@code MapBinder<Integer, HypercallHandler>}. Needs {@code RunMetrics} from the composition root.
 * Works under a strict binder.
 */
public final class CvmModule extends AbstractModule {
    private final CvmConfig config;

    public CvmModule(CvmConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        bind(CvmConfig.class).toInstance(config);
        bind(PageTableFormat.class).toInstance(new CvmPageTableFormat());
        bind(AddressSpaceLayout.class).toInstance(CvmAddressSpace.LAYOUT);
        bind(GuestHandleResolver.class).to(CvmGuestHandleResolver.class);
        bind(CvmGuestHandleResolver.class).in(Scopes.SINGLETON);
        bind(GuestXencomm.class).to(CvmGuestXencomm.class);
        bind(CvmGuestXencomm.class).in(Scopes.SINGLETON);
        MapBinder<Integer, HypercallHandler> handlers = MapBinder.newMapBinder(binder(), Integer.class, HypercallHandler.class);
        handlers.addBinding(PageStateChange.HYPERCALL).to(PageStateHypercall.class);
        bind(PageStateHypercall.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    CvmCounts counts(RunMetrics metrics) {
        return new CvmCounts(metrics);
    }
}
