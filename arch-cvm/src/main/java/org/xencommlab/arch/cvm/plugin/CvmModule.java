package org.xencommlab.arch.cvm.plugin;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.guest.CvmGuestXencomm;
import org.xencommlab.arch.cvm.hypervisor.CvmGuestHandleResolver;
import org.xencommlab.arch.cvm.paging.CvmAddressSpace;
import org.xencommlab.arch.cvm.paging.CvmPageTableFormat;

/**
 * The cvm backend's wiring for one configuration: {@link CvmConfig}, {@link PageTableFormat},
 * {@link AddressSpaceLayout}, {@link GuestHandleResolver}, {@link GuestXencomm}, each one per
 * injector. The {@code arch_0} page-state change hypercall is bound to each domain's page-state
 * table by the domain's state ({@link CvmGuestHandleResolver.CvmDomainState#hypercall}), not in
 * the hypervisor's dispatch table, so nothing is added to its {@code MapBinder}. Counts go to the
 * run's metrics through the kernel and the hypercall context. Works under a strict binder.
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
    }
}
