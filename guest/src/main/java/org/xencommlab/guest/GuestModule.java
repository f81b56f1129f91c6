package org.xencommlab.guest;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.guest.kernel.GuestKernelFactory;
import org.xencommlab.guest.lib.XcLibraryFactory;
import org.xencommlab.guest.privcmd.Privcmd;
import org.xencommlab.guest.sched.GuestScheduler;

/**
 * The guest side of a run, for the composition root. Works under a strict binder
 * ({@code requireExplicitBindings}, {@code requireAtInjectOnConstructors},
 * {@code disableCircularProxies}, {@code Stage.PRODUCTION}).
 *
 * <p>Binds, one per run ({@link Scopes#SINGLETON}):
 * <ul>
 *   <li>{@link GuestScheduler}, also as the api's {@link Scheduler} (the hypervisor reports its
 *       points to it);</li>
 *   <li>{@link GuestKernelFactory}, which boots one kernel per domain;</li>
 *   <li>{@link Privcmd}, the privcmd driver;</li>
 *   <li>{@link XcLibraryFactory}, the libxc-like library.</li>
 * </ul>
 *
 * <p>Requires from elsewhere (the hypervisor module, the arch plugin's module, the composition
 * root): {@link org.xencommlab.api.hypercall.HypervisorGate},
 * {@link org.xencommlab.api.paging.PageTableFormat},
 * {@link org.xencommlab.api.paging.AddressSpaceLayout},
 * {@link org.xencommlab.api.memory.PageSize},
 * {@link org.xencommlab.api.xencomm.GuestXencomm},
 * {@link org.xencommlab.api.abi.HandleSiteFinder} ({@code HandleSiteFinder.NONE} if the run has
 * no ABI to offer), {@link org.xencommlab.api.metrics.RunMetrics},
 * {@link org.xencommlab.api.trace.Trace} and {@link GuestConfig} (holding the run's seed;
 * {@link GuestConfig#defaults()} unless the scenario sets one).
 */
public final class GuestModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(GuestScheduler.class).in(Scopes.SINGLETON);
        bind(Scheduler.class).to(GuestScheduler.class);
        bind(GuestKernelFactory.class).in(Scopes.SINGLETON);
        bind(Privcmd.class).in(Scopes.SINGLETON);
        bind(XcLibraryFactory.class).in(Scopes.SINGLETON);
    }
}
