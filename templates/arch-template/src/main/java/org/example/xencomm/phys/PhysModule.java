package org.example.xencomm.phys;

import com.google.inject.AbstractModule;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;

/**
 * Binds the four things every arch binds, each to one instance (all are stateless or per-run
 * configuration). The lab builds its injector with explicit bindings only, so nothing else is
 * bound and nothing is left to just-in-time binding.
 */
final class PhysModule extends AbstractModule {
    private final int bufferLimitPages;

    PhysModule(int bufferLimitPages) {
        this.bufferLimitPages = bufferLimitPages;
    }

    @Override
    protected void configure() {
        bind(PageTableFormat.class).toInstance(new PhysPageTableFormat());
        bind(AddressSpaceLayout.class).toInstance(PhysArchPlugin.LAYOUT);
        bind(GuestHandleResolver.class).toInstance(new PhysResolver());
        bind(GuestXencomm.class).toInstance(new PhysGuestXencomm(bufferLimitPages));
    }
}
