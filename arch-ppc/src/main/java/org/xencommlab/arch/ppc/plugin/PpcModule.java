package org.xencommlab.arch.ppc.plugin;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.guest.PpcGuestXencomm;
import org.xencommlab.arch.ppc.hypervisor.PpcGuestHandleResolver;
import org.xencommlab.arch.ppc.paging.PpcAddressSpace;
import org.xencommlab.arch.ppc.paging.PpcRadixPageTableFormat;

/**
 * The ppc backend's wiring for one configuration: {@link PpcConfig} (the instance given),
 * {@link PageTableFormat}, {@link AddressSpaceLayout}, {@link GuestHandleResolver},
 * {@link GuestXencomm}, each one per injector. The {@code arch_0} registration hypercall is bound
 * to each domain's registration table by the domain's state
 * ({@link PpcGuestHandleResolver.PpcDomainState#hypercall}), not in the hypervisor's dispatch
 * table, so nothing is added to its {@code MapBinder}. It needs
 * {@code RunMetrics} and {@code Trace} from the composition root. Works under a strict binder.
 */
public final class PpcModule extends AbstractModule {
    private final PpcConfig config;

    public PpcModule(PpcConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        bind(PpcConfig.class).toInstance(config);
        bind(PageTableFormat.class).to(PpcRadixPageTableFormat.class);
        bind(PpcRadixPageTableFormat.class).in(Scopes.SINGLETON);
        bind(AddressSpaceLayout.class).toInstance(PpcAddressSpace.layout());
        bind(GuestHandleResolver.class).to(PpcGuestHandleResolver.class);
        bind(PpcGuestHandleResolver.class).in(Scopes.SINGLETON);
        bind(GuestXencomm.class).to(PpcGuestXencomm.class);
        bind(PpcGuestXencomm.class).in(Scopes.SINGLETON);
    }
}
