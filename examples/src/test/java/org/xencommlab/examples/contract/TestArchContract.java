package org.xencommlab.examples.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.balloon.BalloonDriver;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The wired part of the contract every arch backend must keep, run against every arch found on the
 * class path, with every strategy and each of the arch's own variants: what only a whole machine
 * (hypervisor, guest kernel, tools, the composition root's injector) can show. A new arch module
 * gets these checks for nothing: put it on the class path and they run it.
 *
 * <p>What the SPI alone can show (the page-table format, slices and their references,
 * {@code remaining()}, who counts an error, a user's kernel-only references, accessOk) is the test
 * kit's {@code org.xencommlab.testkit.arch.ArchContract}, which each arch module runs in its own
 * tests.
 */
final class TestArchContract {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover();
    private static final RunInjectors INJECTORS = new RunInjectors(REGISTRY);

    static Stream<Arguments> archVariants() {
        List<Arguments> all = new ArrayList<>();
        for (ArchPlugin arch : REGISTRY.archs().values()) {
            all.add(Arguments.of(arch.name(), Map.of()));
            arch.variants().forEach(variant -> all.add(Arguments.of(arch.name(), variant)));
        }
        return all.stream();
    }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        archVariants().forEach(a -> REGISTRY.strategyNames().forEach(s -> all.add(Arguments.of(a.get()[0], a.get()[1], s))));
        return all.stream();
    }

    private static Machine machine(String arch, Map<String, String> variant, String strategy) {
        return INJECTORS.machine(new LabConfiguration(arch, strategy, variant, Map.of()), RunEnvironment.defaults(5));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("archVariants")
    void thePluginModuleBindsBothHalvesAndWhatAKernelNeedsToBoot(String arch, Map<String, String> variant) {
        var injector = INJECTORS.injector(new LabConfiguration(arch, "pointer", variant, Map.of()), RunEnvironment.defaults(1));
        for (Class<?> type : List.of(PageTableFormat.class, AddressSpaceLayout.class, GuestHandleResolver.class, GuestXencomm.class)) {
            assertThat(injector.getExistingBinding(Key.get(type))).as(arch + " binds " + type.getSimpleName()).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("configurations")
    void bytesReachTheHypervisorIntactFromAToolAndFromTheKernel(String arch, Map<String, String> variant,
            String strategy) {
        Machine machine = machine(arch, variant, strategy);
        GuestKernel dom0 = machine.bootDom0(32L << 20);
        GuestKernel guest = machine.bootGuest(1, 16L << 20);
        byte[] message = new byte[3 * machine.pageSize().bytes() + 77];
        new SplittableRandom(9).nextBytes(message);
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            xl.writeConsole(message);
        }
        assertThat(machine.hypervisor().console().output(0)).isEqualTo(message);

        BalloonDriver balloon = machine.balloon(guest);
        long before = machine.hypervisor().domainSnapshot(1).orElseThrow().totPages();
        assertThat(balloon.inflate(300)).isEqualTo(300);
        assertThat(machine.hypervisor().domainSnapshot(1).orElseThrow().totPages()).isEqualTo(before - 300);
        assertThat(balloon.deflate(300)).isEqualTo(300);
        assertThat(machine.hypervisor().audit()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("archVariants")
    void aKilledToolGivesBackEverythingItMadeReachable(String arch, Map<String, String> variant) {
        Machine machine = machine(arch, variant, "pointer");
        GuestKernel dom0 = machine.bootDom0(32L << 20);
        // The first tool warms the kernel's caches (slab pages, a device area); from then on a tool
        // that dies must leave the kernel exactly as it found it.
        useAndKill(machine, dom0);
        long frames = dom0.framesInUse();
        long registrations = machine.metrics().current(Gauge.REGISTRATIONS_LIVE);
        long pinned = machine.metrics().current(Gauge.PINNED_FRAMES);
        long heap = machine.hypervisor().heap().used();

        useAndKill(machine, dom0);

        assertThat(machine.metrics().current(Gauge.LOCKED_PAGES)).isZero();
        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_USED)).isZero();
        if ("off".equals(variant.get("cleanup"))) {
            assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).as("the leak the variant shows").isGreaterThan(registrations);
        } else {
            assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isEqualTo(registrations);
            assertThat(machine.metrics().current(Gauge.PINNED_FRAMES)).isEqualTo(pinned);
            assertThat(machine.hypervisor().heap().used()).isEqualTo(heap);
            assertThat(dom0.framesInUse()).isEqualTo(frames);
        }
        assertThat(machine.hypervisor().audit()).isEmpty();
    }

    private static void useAndKill(Machine machine, GuestKernel kernel) {
        XcHandle tool = machine.startTool(kernel, "xl");
        HypercallBuffer buffer = tool.allocBuf(2);
        BufferSlice slice = tool.allocMem(buffer, 64);
        tool.process().writeMemory(slice.userAddress(), new byte[64], 0, 64);
        assertThat(tool.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 64, slice.reference().value())).isZero();
        tool.allocBuf(1);
        tool.process().kill();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("archVariants")
    void hostileReferencesGetAnErrnoAndChangeNothing(String arch, Map<String, String> variant) {
        // A domU may write the console only under a Xen built with CONFIG_VERBOSE_DEBUG; so that its
        // hostile references reach the arch's resolver, the hypervisor here is such a build.
        Machine machine = INJECTORS.machine(new LabConfiguration(arch, "pointer", variant, Map.of()), RunEnvironment.defaults(5)
                .withHypervisor(HypervisorConfig.defaults().withConsoleAccess(HypervisorConfig.ConsoleAccess.VERBOSE_DEBUG)));
        machine.bootDom0(32L << 20);
        machine.bootGuest(1, 8L << 20);
        long heap = machine.hypervisor().heap().used();
        long[] hostile = {0, 1, -1, Long.MIN_VALUE | (1L << 50), Long.MAX_VALUE, (1L << 63) | (40L << 20), (1L << 63) | (33L << 20) - 100,
                0xffff_8880_0000_0000L, 0xc000_0000_0000_0000L, 0x7fff_ffff_f000L, 0x8000_0000_0000L};
        for (long reference : hostile) {
            for (int domid = 0; domid <= 1; domid++) {
                long result = machine.hypervisor().gate().hypercall(domid, 0, HypercallNumber.CONSOLE_IO,
                        SubOps.ConsoleIo.WRITE, 4096, reference);
                assertThat(result).as("console write from 0x%x", reference).isIn(XenErrno.EFAULT.asResult(),
                        XenErrno.EINVAL.asResult(), XenErrno.ENOSYS.asResult());
            }
        }
        assertThat(machine.hypervisor().console().output(0)).isEmpty();
        assertThat(machine.hypervisor().console().output(1)).isEmpty();
        assertThat(machine.hypervisor().heap().used()).isEqualTo(heap);
        assertThat(machine.hypervisor().audit()).isEmpty();
        assertThat(machine.hypervisor().containedFailures()).isZero();
    }
}
