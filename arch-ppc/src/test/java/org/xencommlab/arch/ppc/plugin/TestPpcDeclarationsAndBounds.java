package org.xencommlab.arch.ppc.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Binding;
import com.google.inject.Key;
import com.google.inject.Scopes;
import com.google.inject.spi.DefaultBindingScopingVisitor;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.InstanceBinding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.descriptor.XencommDescriptor;
import org.xencommlab.arch.ppc.guest.PpcGuestXencomm;
import org.xencommlab.arch.ppc.hypervisor.PpcGuestHandleResolver;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.arch.ppc.paging.PpcRadixPageTableFormat;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/** What the ppc plugin declares (bindings, scopes, counters, variants) and the bounds of its value types. */
final class TestPpcDeclarationsAndBounds {
    private static final PpcConfig CONFIG = PpcConfig.defaults();

    private static Map<Key<?>, Binding<?>> bindings() {
        Map<Key<?>, Binding<?>> byKey = new HashMap<>();
        for (Element element : Elements.getElements(new PpcModule(CONFIG))) {
            if (element instanceof Binding<?> binding) {
                byKey.put(binding.getKey(), binding);
            }
        }
        return byKey;
    }

    private static boolean singleton(Binding<?> binding) {
        return binding.acceptScopingVisitor(new DefaultBindingScopingVisitor<Boolean>() {
            @Override
            public Boolean visitScope(com.google.inject.Scope scope) {
                return scope == Scopes.SINGLETON;
            }

            @Override
            protected Boolean visitOther() {
                return false;
            }
        });
    }

    @Test
    void theModuleBindsItsConfigAndLayoutAsInstancesAndItsServicesAsSingletons() {
        Map<Key<?>, Binding<?>> bindings = bindings();
        assertThat(((InstanceBinding<?>) bindings.get(Key.get(PpcConfig.class))).getInstance()).isSameAs(CONFIG);
        assertThat(bindings.get(Key.get(AddressSpaceLayout.class))).isInstanceOf(InstanceBinding.class);
        assertThat(((InstanceBinding<?>) bindings.get(Key.get(AddressSpaceLayout.class))).getInstance()).isNotNull();
        for (Class<?> type : List.of(PpcRadixPageTableFormat.class, PpcGuestHandleResolver.class, PpcGuestXencomm.class)) {
            assertThat(singleton(bindings.get(Key.get(type)))).as(type.getSimpleName()).isTrue();
        }
    }

    @Test
    void thePluginDeclaresPpcsCountersCostsAndVariants() {
        PpcArchPlugin plugin = new PpcArchPlugin();
        assertThat(plugin.metrics()).isEqualTo(PpcMetrics.metrics()).hasSize(4)
                .contains(PpcMetrics.REGISTRATIONS, PpcMetrics.UNREGISTRATIONS, PpcMetrics.DESCRIPTORS, PpcMetrics.DESCRIPTOR_ENTRIES);
        assertThat(plugin.costs()).isEqualTo(PpcMetrics.costs()).hasSize(4).contains(PpcMetrics.DESCRIPTOR_ENTRY);
        assertThat(plugin.variants()).containsExactly(Map.of(PpcArchPlugin.BUFFERS, "device"), Map.of(PpcArchPlugin.MODE, "descriptor"),
                Map.of(PpcArchPlugin.CLEANUP, "off"));
        assertThat(new PpcGuestXencomm(CONFIG).config()).isSameAs(CONFIG);
    }

    @Test
    void aConfigTakesOneRegistrationAndOneDevicePageUpToTheirMaxima() {
        assertThatCode(() -> CONFIG.withMaxRegistrations(1)).doesNotThrowAnyException();
        assertThatCode(() -> CONFIG.withMaxRegistrations(PpcMemref.MAX_INDEX)).doesNotThrowAnyException();
        assertThatThrownBy(() -> CONFIG.withMaxRegistrations(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CONFIG.withMaxRegistrations(PpcMemref.MAX_INDEX + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> CONFIG.withDevicePages(1)).doesNotThrowAnyException();
        assertThatCode(() -> CONFIG.withDevicePages(PpcMemref.MAX_BUFFER_PAGES)).doesNotThrowAnyException();
        assertThatThrownBy(() -> CONFIG.withDevicePages(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CONFIG.withDevicePages(PpcMemref.MAX_BUFFER_PAGES + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDescriptorNamesOneByteToItsMaximumOfEntries() {
        assertThat(XencommDescriptor.linuxNrAddrs(0x1000, 1, 12)).isEqualTo(1);
        assertThatThrownBy(() -> XencommDescriptor.linuxNrAddrs(0x1000, 0, 12)).isInstanceOf(IllegalArgumentException.class);
        long most = XencommDescriptor.MAX_ADDRS;
        assertThat(XencommDescriptor.linuxNrAddrs(0x1000, (most - 1) * 4096 - 1, 12)).isEqualTo((int) most - 1);
        assertThat(XencommDescriptor.linuxNrAddrs(0x1000, most * 4096 - 1, 12)).isEqualTo((int) most);
        assertThatThrownBy(() -> XencommDescriptor.linuxNrAddrs(0x1000, most * 4096, 12)).isInstanceOf(IllegalArgumentException.class);
        assertThat(XencommDescriptor.encode(new long[0], (int) most)).hasSize(XencommDescriptor.sizeOf((int) most));
        assertThatThrownBy(() -> XencommDescriptor.encode(new long[0], (int) most + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XencommDescriptor.encode(new long[2], 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInlineReferenceTakesAddressZeroAndEveryFrameFitsAnEntry() {
        assertThat(PpcMemref.inline(0)).isEqualTo(PpcMemref.INLINE_FLAG);
        assertThat(PpcMemref.inlineAddress(PpcMemref.inline(0))).isZero();
        assertThatThrownBy(() -> PpcMemref.inline(-1)).isInstanceOf(IllegalArgumentException.class);
        PpcRadixPageTableFormat format = new PpcRadixPageTableFormat();
        long maxFrame = PpcRadixPageTableFormat.RPN_MASK >>> PpcRadixPageTableFormat.PAGE_SHIFT;
        assertThat(format.decodeFrame(format.pageEntry(0, true, true))).isZero();
        assertThat(format.decodeFrame(format.pageEntry(maxFrame, false, false))).isEqualTo(maxFrame);
        assertThat(format.decodeFrame(format.tableEntry(maxFrame))).isEqualTo(maxFrame);
        assertThatThrownBy(() -> format.tableEntry(maxFrame + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.tableEntry(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLastGenerationStillMakesABufid() {
        long bufid = PpcMemref.bufid(PpcMemref.MAX_GENERATION, PpcMemref.MAX_INDEX - 1);
        assertThat(PpcMemref.generation(bufid)).isEqualTo(PpcMemref.MAX_GENERATION);
        assertThat(PpcMemref.index(bufid)).isEqualTo(PpcMemref.MAX_INDEX - 1);
        assertThatThrownBy(() -> PpcMemref.bufid(PpcMemref.MAX_GENERATION + 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PpcMemref.bufid(1, PpcMemref.MAX_INDEX)).isInstanceOf(IllegalArgumentException.class);
    }
}
