package org.xencommlab.arch.x86.plugin;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.guest.X86GuestXencomm;
import org.xencommlab.arch.x86.hypervisor.X86GuestHandleResolver;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;

/**
 * Binds the x86 backend for one buffer configuration: {@link PageTableFormat},
 * {@link AddressSpaceLayout}, {@link GuestHandleResolver} and {@link GuestXencomm}, each to one
 * instance made here (all are stateless or per-run configuration). Works under a strict binder.
 */
public final class X86Module extends AbstractModule {
    private final X86BufferConfig config;

    public X86Module(X86BufferConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        X86PageTableFormat format = new X86PageTableFormat();
        bind(PageTableFormat.class).toInstance(format);
        bind(AddressSpaceLayout.class).toInstance(X86AddressSpace.LAYOUT);
        bind(GuestHandleResolver.class).toInstance(new X86GuestHandleResolver(format, X86AddressSpace.LAYOUT));
        bind(GuestXencomm.class).toInstance(new X86GuestXencomm(config));
    }
}
