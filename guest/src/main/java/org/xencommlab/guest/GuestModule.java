package org.xencommlab.guest;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.guest.balloon.BalloonDriverFactory;
import org.xencommlab.guest.kernel.GuestKernelFactory;
import org.xencommlab.guest.lib.XcLibraryFactory;
import org.xencommlab.guest.privcmd.Privcmd;
import org.xencommlab.guest.sched.GuestScheduler;
import org.xencommlab.guest.tools.Dom0ToolsFactory;
import org.xencommlab.guest.xenstore.XenStore;

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
 *   <li>{@link XcLibraryFactory}, the libxc-like library;</li>
 *   <li>{@link XenStore}, the run's xenstore (xenstored lives in dom0 in real Xen; here one per
 *       run, with watches);</li>
 *   <li>{@link BalloonDriverFactory}, which loads a balloon driver into a kernel;</li>
 *   <li>{@link Dom0ToolsFactory}, which opens the dom0 tools on a library handle.</li>
 * </ul>
 *
 * <p>Requires from elsewhere (the hypervisor module, the arch plugin's module, the composition
 * root): {@link org.xencommlab.api.hypercall.HypervisorGate},
 * {@link org.xencommlab.api.paging.PageTableFormat},
 * {@link org.xencommlab.api.paging.AddressSpaceLayout},
 * {@link org.xencommlab.api.memory.PageSize},
 * {@link org.xencommlab.api.xencomm.GuestXencomm} (the arch's guest half: each kernel the
 * factory boots attaches to it, and the drivers and the library reach the arch only through the
 * kernel's and the process's states, {@code GuestKernel.xencomm()} and
 * {@code GuestProcess.xencomm()}),
 * {@link org.xencommlab.api.abi.ArgumentStrategy} (the run's strategy, from its plugin: the
 * balloon driver and the tools marshal their hypercalls with it),
 * {@link org.xencommlab.api.abi.HandleSiteFinder} (normally {@code strategy.handleSites()};
 * {@code HandleSiteFinder.NONE} if the run has no ABI to offer), {@link org.xencommlab.api.metrics.RunMetrics},
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
        bind(XenStore.class).in(Scopes.SINGLETON);
        bind(BalloonDriverFactory.class).in(Scopes.SINGLETON);
        bind(Dom0ToolsFactory.class).in(Scopes.SINGLETON);
    }
}
