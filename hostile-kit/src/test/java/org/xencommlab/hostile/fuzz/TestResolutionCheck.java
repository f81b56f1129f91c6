package org.xencommlab.hostile.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.Scopes;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * The check at the SPI seam: what an arch resolves passes unchanged, and an address outside the
 * calling domain's RAM, or a negative result that is no Xen errno, is recorded once and reported
 * once; and {@link CheckedArchPlugin} puts the check in front of the arch's resolver however its
 * module binds it, keeping every other binding.
 */
final class TestResolutionCheck {
    private static final PageSize PAGE = PageSize.SIZE_4K;
    /** Domain 1 holds gfns 0 to 15 as RAM. */
    private static final long RAM_FRAMES = 16;

    @Test
    void anAddressInTheCallersRamPassesAndOneOutsideIsRecordedOnceWithItsByteAndFrame() {
        ResolutionCheck check = new ResolutionCheck();
        GuestRegion region = open(check, offset -> offset * 4096L + 8);

        assertThat(region.translate(3)).isEqualTo(3 * 4096L + 8);
        assertThat(check.take()).isEmpty();

        assertThat(region.translate(16)).as("passed on unchanged").isEqualTo(16 * 4096L + 8);
        assertThat(region.translate(20)).isEqualTo(20 * 4096L + 8);
        assertThat(check.take()).hasValueSatisfying(what -> assertThat(what)
                .contains("byte 16 of memref:0x1000", "opened for READ by d1", "resolved to 0x10008", "gfn 0x10",
                        "not RAM of d1", "(and 1 more)"));
        assertThat(check.take()).as("reported once").isEmpty();
    }

    @Test
    void anErrnoIsAFaultAndAnyOtherNegativeResultIsRecorded() {
        ResolutionCheck check = new ResolutionCheck();
        GuestRegion region = open(check, offset -> offset == 0 ? -14L : -100_000L);

        assertThat(region.translate(0)).isEqualTo(-14);
        assertThat(check.take()).isEmpty();
        assertThat(region.translate(1)).isEqualTo(-100_000);
        assertThat(check.take()).hasValueSatisfying(what -> assertThat(what).contains("neither an address nor a Xen errno"));
    }

    @Test
    void aDomainsStateOpeningAnotherDomainsCallIsRecorded() {
        ResolutionCheck check = new ResolutionCheck();
        DomainArchState state = check.wrap(resolver(offset -> 0L)).createDomainState(2, null);

        state.open(context(1), new MemoryReference(0x1000), GuestAccessKind.WRITE);

        assertThat(check.take()).hasValueSatisfying(what -> assertThat(what).contains("d2's arch state", "a call of d1"));
    }

    @Test
    void theCheckedPluginWrapsTheResolverHoweverItIsBoundAndKeepsTheOtherBindings() {
        GuestHandleResolver instance = resolver(offset -> 0L);
        for (Module arch : List.<Module>of(binder -> binder.bind(GuestHandleResolver.class).toInstance(instance),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(GuestHandleResolver.class).to(Linked.class);
                        bind(Linked.class).in(Scopes.SINGLETON);
                        bind(String.class).toInstance("another binding");
                    }
                })) {
            ResolutionCheck check = new ResolutionCheck();
            var injector = Guice.createInjector(new CheckedArchPlugin(plugin(arch), check).module(Parameters.of(List.of(), java.util.Map.of())));

            GuestHandleResolver bound = injector.getInstance(GuestHandleResolver.class);
            assertThat(bound.toString()).endsWith("(resolutions checked)");
            assertThat(bound).isSameAs(injector.getInstance(GuestHandleResolver.class));
            DomainArchState state = bound.createDomainState(1, null);
            state.open(context(1), new MemoryReference(0x1000), GuestAccessKind.READ).translate(0);
            assertThat(check.take()).isEmpty();
        }
    }

    /** A resolver bound by class. */
    static final class Linked implements GuestHandleResolver {
        Linked() {}

        @Override
        public DomainArchState createDomainState(int domid, XenHeapAccount heap) {
            return resolver(offset -> 0L).createDomainState(domid, heap);
        }
    }

    private static GuestRegion open(ResolutionCheck check, Function<Long, Long> translate) {
        return check.wrap(resolver(translate)).createDomainState(1, null)
                .open(context(1), new MemoryReference(0x1000), GuestAccessKind.READ);
    }

    private static GuestHandleResolver resolver(Function<Long, Long> translate) {
        return (domid, heap) -> new DomainArchState() {
            @Override
            public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
                return translate::apply;
            }

            @Override
            public void release(DomainTeardown teardown) {}
        };
    }

    private static ArchPlugin plugin(Module module) {
        return new ArchPlugin() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public String description() {
                return "a fake arch";
            }

            @Override
            public PageSize pageSize() {
                return PAGE;
            }

            @Override
            public Module module(Parameters parameters) {
                return module;
            }
        };
    }

    /** A call of domain {@code domid}, whose memory holds gfns 0 to 15 as RAM. */
    private static HypercallContext context(int domid) {
        GuestPhysicalMemory memory = new GuestPhysicalMemory() {
            @Override
            public int domid() {
                return domid;
            }

            @Override
            public PageSize pageSize() {
                return PAGE;
            }

            @Override
            public boolean isRam(long gfn) {
                return gfn >= 0 && gfn < RAM_FRAMES;
            }

            @Override
            public void read(long address, byte[] dst, int dstOffset, int length) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(long address, byte[] src, int srcOffset, int length) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long readLong(long address, ByteOrder order) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void writeLong(long address, long value, ByteOrder order) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void zero(long address, int length) {
                throw new UnsupportedOperationException();
            }
        };
        return new HypercallContext() {
            @Override
            public int domid() {
                return domid;
            }

            @Override
            public int vcpu() {
                return 0;
            }

            @Override
            public boolean isPrivileged() {
                return false;
            }

            @Override
            public GuestCopy guest() {
                throw new UnsupportedOperationException();
            }

            @Override
            public GuestPhysicalMemory memory() {
                return memory;
            }

            @Override
            public long pageTableBase() {
                return 0;
            }

            @Override
            public XenHeapAccount heap() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean pinFrame(long gfn) {
                return false;
            }

            @Override
            public void unpinFrame(long gfn) {}

            @Override
            public boolean preemptionPending() {
                return false;
            }

            @Override
            public long createContinuation(long op, long... args) {
                throw new UnsupportedOperationException();
            }

            @Override
            public RunMetrics metrics() {
                return new RunMetrics();
            }

            @Override
            public Trace trace() {
                return Trace.DISABLED;
            }
        };
    }
}
