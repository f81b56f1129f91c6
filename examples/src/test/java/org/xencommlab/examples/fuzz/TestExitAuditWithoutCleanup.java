package org.xencommlab.examples.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.hostile.fuzz.Breach;
import org.xencommlab.hostile.fuzz.FuzzOptions;
import org.xencommlab.hostile.fuzz.Fuzzer;
import org.xencommlab.hostile.fuzz.PlantedDefect;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The exit audit on ppc's {@code cleanup=off}, where the kernel keeps a dead tool's registrations
 * and the pins under them. Call 30781 of seed 1 on ppc/percpu-page is the attacker's kernel
 * unregistering its own tool's first buffer ({@code arch_0(UNREGISTER, 0x100000000000)}) with a raw
 * call: Xen lets go of the buffer's frame, while the tool's driver, which cannot know, still pins
 * it when the tool exits. That is the attacker's self-harm, allowed frame by frame; a frame pinned
 * besides it is still a leak.
 */
final class TestExitAuditWithoutCleanup {
    private static final RunInjectors INJECTORS = new RunInjectors(PluginRegistry.discover());
    private static final LabConfiguration PERCPU_OFF =
            new LabConfiguration("ppc", "percpu-page", Map.of("cleanup", "off"), Map.of());
    private static final FuzzOptions OPTIONS = FuzzOptions.of(1, 1).withArchs(List.of("ppc"))
            .withStrategies(List.of("percpu-page")).withSettings(Map.of("cleanup", "off"));
    private static final List<Long> RAW_UNREGISTER = List.of(30781L);

    /** After the raw unregister, a process of the attacker's pins a page of its own and exits: a real leak. */
    private static final PlantedDefect PIN_LEFT_BY_A_DEAD_PROCESS = (call, world) -> {
        if (call.op() == HypercallNumber.ARCH_0 && call.result() == 0) {
            GuestKernel kernel = world.machine().kernels().stream().filter(k -> k.domid() == 1).findFirst().orElseThrow();
            GuestProcess process = kernel.startProcess("pin-leaker");
            long page = process.mmapAnonymous(kernel.pageSize().bytes());
            process.writeMemory(page, new byte[] {7}, 0, 1);
            process.pinUserPages(page, 1);
            process.exit();
        }
    };

    @Test
    void theRawUnregisterOfTheToolsOwnBufferIsTheOnlyCallAndLeavesNoBreach() {
        Fuzzer.Replay replay = new Fuzzer(INJECTORS).replay(PERCPU_OFF, OPTIONS, RAW_UNREGISTER, Trace.DISABLED);

        assertThat(replay.calls()).singleElement().asString().contains("raw arch_0(0x1, 0x100000000000");
        assertThat(replay.calls().get(0)).endsWith("= 0");
        assertThat(replay.breach()).isEmpty();
    }

    @Test
    void aFramePinnedBesidesTheSelfHarmIsStillALeak() {
        Fuzzer.Replay replay = new Fuzzer(INJECTORS, PIN_LEFT_BY_A_DEAD_PROCESS)
                .replay(PERCPU_OFF, OPTIONS, RAW_UNREGISTER, Trace.DISABLED);

        assertThat(replay.breach()).isPresent();
        Breach breach = replay.breach().get();
        assertThat(breach.kind()).isEqualTo("leak-at-exit");
        assertThat(breach.toString())
                .contains("d1 user frames beyond the 2 frames Xen pins for the domain and the 1 its own kernel code"
                        + " unregistered behind its driver: 1")
                .contains("d1 orphaned pinned frames beyond");
    }

    @Test
    void aKernelThatCleansUpGetsNoAllowance() {
        LabConfiguration percpuOn = new LabConfiguration("ppc", "percpu-page", Map.of("cleanup", "on"), Map.of());
        FuzzOptions on = FuzzOptions.of(1, 1).withArchs(List.of("ppc")).withStrategies(List.of("percpu-page"))
                .withSettings(Map.of("cleanup", "on"));
        Fuzzer.Replay replay = new Fuzzer(INJECTORS, PIN_LEFT_BY_A_DEAD_PROCESS).replay(percpuOn, on, RAW_UNREGISTER,
                Trace.DISABLED);

        assertThat(replay.breach()).isPresent().get().asString()
                .contains("d1 user frames beyond the 0 frames Xen pins for the domain: 1");
    }
}
