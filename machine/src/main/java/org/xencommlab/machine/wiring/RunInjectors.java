package org.xencommlab.machine.wiring;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.GuestModule;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.HypervisorModule;
import org.xencommlab.machine.facade.Machine;

/**
 * Builds one Guice injector per run, from the hypervisor module, the guest module, the chosen arch
 * plugin's module and the chosen strategy, under a strict binder: every binding explicit, every
 * injected constructor annotated, no circular proxies, {@link Stage#PRODUCTION} so that a missing
 * binding fails here and not halfway through a run. Runs share nothing: each gets its own
 * hypervisor, kernels, metrics and scheduler.
 */
public final class RunInjectors {
    private final PluginRegistry registry;

    public RunInjectors(PluginRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    public PluginRegistry registry() {
        return registry;
    }

    /**
     * Validates {@code configuration} against its plugins' parameters.
     *
     * @throws UnknownNameException for an unknown arch or strategy
     * @throws IllegalArgumentException for an unknown parameter or a bad value, naming what is valid
     */
    public void validate(LabConfiguration configuration) {
        Parameters.of(registry.arch(configuration.arch()).parameters(), configuration.archParameters());
        Parameters.of(registry.strategy(configuration.strategy()).parameters(), configuration.strategyParameters());
    }

    /** The wired injector of one run. */
    public Injector injector(LabConfiguration configuration, RunEnvironment environment) {
        ArchPlugin arch = registry.arch(configuration.arch());
        StrategyPlugin strategyPlugin = registry.strategy(configuration.strategy());
        Parameters archParameters = Parameters.of(arch.parameters(), configuration.archParameters());
        Parameters strategyParameters = Parameters.of(strategyPlugin.parameters(), configuration.strategyParameters());
        ArgumentStrategy strategy = strategyPlugin.create(strategyParameters);
        return Guice.createInjector(Stage.PRODUCTION,
                new RunModule(configuration, environment, arch.pageSize(), strategy),
                new HypervisorModule(),
                new GuestModule(),
                arch.module(archParameters));
    }

    /** A machine for one run: a fresh injector's {@link Machine}. */
    public Machine machine(LabConfiguration configuration, RunEnvironment environment) {
        return injector(configuration, environment).getInstance(Machine.class);
    }

    /** The per-run bindings the modules require from the composition root. */
    private static final class RunModule extends AbstractModule {
        private final LabConfiguration configuration;
        private final RunEnvironment environment;
        private final PageSize pageSize;
        private final ArgumentStrategy strategy;

        RunModule(LabConfiguration configuration, RunEnvironment environment, PageSize pageSize, ArgumentStrategy strategy) {
            this.configuration = configuration;
            this.environment = environment;
            this.pageSize = pageSize;
            this.strategy = strategy;
        }

        @Override
        protected void configure() {
            binder().requireExplicitBindings();
            binder().requireAtInjectOnConstructors();
            binder().disableCircularProxies();
            bind(LabConfiguration.class).toInstance(configuration);
            bind(RunMetrics.class).toInstance(new RunMetrics());
            bind(Trace.class).toInstance(environment.trace());
            bind(PageSize.class).toInstance(pageSize);
            bind(HypervisorConfig.class).toInstance(environment.hypervisor());
            bind(GuestConfig.class).toInstance(environment.guest().withSeed(environment.seed()));
            bind(ArgumentStrategy.class).toInstance(strategy);
            bind(HandleSiteFinder.class).toInstance(strategy.handleSites());
            bind(Machine.class);
        }
    }
}
