package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Binding;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Binder;
import com.google.inject.Scope;
import com.google.inject.binder.ScopedBindingBuilder;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import com.google.inject.spi.Element;
import com.google.inject.spi.DefaultBindingScopingVisitor;
import com.google.inject.spi.DefaultBindingTargetVisitor;
import com.google.inject.spi.Elements;
import com.google.inject.spi.InstanceBinding;
import com.google.inject.spi.LinkedKeyBinding;
import com.google.inject.spi.ProviderInstanceBinding;
import com.google.inject.spi.ProviderKeyBinding;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.xencomm.GuestHandleResolver;

/**
 * An arch plug-in exactly as it is (name, parameters, variants, metrics, costs, every binding of
 * its module), except that its {@link GuestHandleResolver} reaches the hypervisor through a
 * {@link ResolutionCheck}. Whatever way the arch's module binds its resolver (an instance, a
 * linked class, a provider, in its scope), that one binding is made again under another key, and
 * the resolver the hypervisor is given is the check's wrapper of it; every other binding is
 * installed as the arch made it.
 */
final class CheckedArchPlugin implements ArchPlugin {
    private static final Key<GuestHandleResolver> RESOLVER = Key.get(GuestHandleResolver.class);
    private static final String ARCHS_OWN = "the arch's own resolver, checked by the hostile-guest kit";

    private final ArchPlugin arch;
    private final ResolutionCheck check;

    CheckedArchPlugin(ArchPlugin arch, ResolutionCheck check) {
        this.arch = requireNonNull(arch, "arch is null");
        this.check = requireNonNull(check, "check is null");
    }

    @Override
    public String name() {
        return arch.name();
    }

    @Override
    public String description() {
        return arch.description();
    }

    @Override
    public PageSize pageSize() {
        return arch.pageSize();
    }

    @Override
    public List<ParameterSpec> parameters() {
        return arch.parameters();
    }

    @Override
    public List<Map<String, String>> variants() {
        return arch.variants();
    }

    @Override
    public List<MetricDefinition> metrics() {
        return arch.metrics();
    }

    @Override
    public List<CostDefinition> costs() {
        return arch.costs();
    }

    @Override
    public Module module(Parameters parameters) {
        List<Element> others = new ArrayList<>();
        List<Element> resolver = new ArrayList<>();
        for (Element element : Elements.getElements(arch.module(parameters))) {
            if (element instanceof Binding<?> binding && binding.getKey().equals(RESOLVER)) {
                resolver.add(element);
            } else {
                others.add(element);
            }
        }
        if (resolver.size() != 1) {
            throw new IllegalStateException("arch " + arch.name() + " binds its GuestHandleResolver " + resolver.size()
                    + " times; the hostile-guest kit can check exactly one");
        }
        return new Checked(Elements.getModule(others), (Binding<?>) resolver.get(0), check);
    }

    @Override
    public String toString() {
        return arch.toString();
    }

    /** The arch's module with its resolver binding moved to another key and the checked wrapper bound in its place. */
    private static final class Checked extends AbstractModule {
        private final Module others;
        private final Binding<?> resolver;
        private final ResolutionCheck check;

        Checked(Module others, Binding<?> resolver, ResolutionCheck check) {
            this.others = others;
            this.resolver = resolver;
            this.check = check;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void configure() {
            install(others);
            Key<GuestHandleResolver> own = Key.get(GuestHandleResolver.class, Names.named(ARCHS_OWN));
            Binding<GuestHandleResolver> binding = (Binding<GuestHandleResolver>) resolver;
            Binder binder = binder().withSource(binding.getSource());
            ScopedBindingBuilder scoped = binding.acceptTargetVisitor(
                    new DefaultBindingTargetVisitor<GuestHandleResolver, ScopedBindingBuilder>() {
                        @Override
                        public ScopedBindingBuilder visit(InstanceBinding<? extends GuestHandleResolver> b) {
                            binder.bind(own).toInstance(b.getInstance());
                            return null;
                        }

                        @Override
                        public ScopedBindingBuilder visit(LinkedKeyBinding<? extends GuestHandleResolver> b) {
                            return binder.bind(own).to(b.getLinkedKey());
                        }

                        @Override
                        public ScopedBindingBuilder visit(ProviderInstanceBinding<? extends GuestHandleResolver> b) {
                            return binder.bind(own).toProvider(b.getUserSuppliedProvider());
                        }

                        @Override
                        public ScopedBindingBuilder visit(ProviderKeyBinding<? extends GuestHandleResolver> b) {
                            return binder.bind(own).toProvider(b.getProviderKey());
                        }

                        @Override
                        protected ScopedBindingBuilder visitOther(Binding<? extends GuestHandleResolver> b) {
                            throw new IllegalStateException("the hostile-guest kit cannot move the arch's GuestHandleResolver"
                                    + " binding " + b + " to another key: bind it to an instance, a class or a provider");
                        }
                    });
            if (scoped != null) {
                binding.acceptScopingVisitor(new DefaultBindingScopingVisitor<Void>() {
                    @Override
                    public Void visitEagerSingleton() {
                        scoped.asEagerSingleton();
                        return null;
                    }

                    @Override
                    public Void visitScope(Scope scope) {
                        scoped.in(scope);
                        return null;
                    }

                    @Override
                    public Void visitScopeAnnotation(Class<? extends Annotation> annotation) {
                        scoped.in(annotation);
                        return null;
                    }
                });
            }
        }

        @Provides
        @Singleton
        GuestHandleResolver checkedResolver(@Named(ARCHS_OWN) GuestHandleResolver own) {
            return check.wrap(own);
        }
    }
}
