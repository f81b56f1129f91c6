package org.xencommlab.arch.x86.planted;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.arch.x86.plugin.X86ArchPlugin;
import org.xencommlab.hostile.contract.HostileGuestContract;
import org.xencommlab.hostile.fuzz.Breach;
import org.xencommlab.hostile.fuzz.ConfigurationResult;
import org.xencommlab.hostile.fuzz.FuzzOptions;
import org.xencommlab.hostile.fuzz.Fuzzer;

/**
 * {@code fuzz} catches a planted defect: the hostile-guest kit's fuzzer ({@link Fuzzer#forArch}) is
 * run on each planted x86 plug-in and on the real one with the same options. The frame-bound
 * fixture is caught by the check at the SPI seam ({@code resolution}: an address the arch resolved
 * outside the calling domain's RAM), with the call sequence shrunk; the mapping-close fixture by
 * the audit when the attacker's tool exits at the end of the session ({@code leak-at-exit}), which
 * names what was left. The real x86 with the same options has no breach.
 */
final class TestFuzzCatchesPlantedDefects {
    /**
     * 80 calls from seed 4: call 60 gives two of the attacker's own frames back to Xen
     * ({@code decrease_reservation} over an extent list in its arena), and the next call that names
     * them through the kernel's page tables resolves them.
     */
    private static final FuzzOptions GIVING_BACK = FuzzOptions.of(80, 4).withStrategies(List.of("pointer"));
    /** A short session; the tool's buffers are device buffers (the fixture's default), left at exit. */
    private static final FuzzOptions SHORT = FuzzOptions.of(20, 5).withStrategies(List.of("pointer"));

    @Test
    void fuzzCatchesABackendThatSkipsTheRamCheckOnTheFrameAWalkEndsOn() {
        ConfigurationResult result = only(Fuzzer.forArch(PlantedX86Plugins.frameBoundSkipping()), GIVING_BACK);

        Breach breach = result.breach().orElseThrow(() -> new AssertionError("no breach: " + result));
        assertThat(breach.kind()).isEqualTo("resolution");
        assertThat(breach.detail()).contains("which is not RAM of d1");
        assertThat(result.shrunk()).as("the shrunk sequence").isNotEmpty().hasSizeLessThan((int) breach.call() + 1)
                .hasSameSizeAs(result.shrunkCalls());
        // The shrinker keeps a sequence only if its replay on a fresh machine shows a resolution breach too.
        assertThat(result.shrunk()).containsExactly(60L);
        assertThat(result.shrunkCalls()).singleElement().asString().startsWith("#60 corrupted memory_op(0x1, ");
    }

    @Test
    void fuzzCatchesABackendWhoseDeviceMappingsForgetTheirCloseHook() {
        ConfigurationResult result = only(Fuzzer.forArch(PlantedX86Plugins.mappingCloseForgetting()), SHORT);

        Breach breach = result.breach().orElseThrow(() -> new AssertionError("no breach: " + result));
        assertThat(breach.kind()).isEqualTo("leak-at-exit");
        assertThat(breach.call()).as("found at the session's end").isEqualTo(SHORT.calls() - 1);
        assertThat(breach.detail()).contains("deviceBytesReserved: ", "deviceBytesUsed: ", "kernel blocks besides");
        assertThat(result.calls()).isEqualTo(SHORT.calls());
    }

    @Test
    void theRealX86WithTheSameOptionsHasNoBreach() {
        for (FuzzOptions options : List.of(GIVING_BACK, SHORT)) {
            Fuzzer real = Fuzzer.forArch(new X86ArchPlugin());
            HostileGuestContract.requireNoBreach(options, real.run(options, r -> {}));
            FuzzOptions device = options.withSettings(java.util.Map.of("buffers", "device"));
            HostileGuestContract.requireNoBreach(device, real.run(device, r -> {}));
        }
    }

    private static ConfigurationResult only(Fuzzer fuzzer, FuzzOptions options) {
        List<ConfigurationResult> results = fuzzer.run(options, r -> {});
        assertThat(results).hasSize(1);
        return results.get(0);
    }
}
