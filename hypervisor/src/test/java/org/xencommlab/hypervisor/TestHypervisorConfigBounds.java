package org.xencommlab.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/**
 * Every limit of {@link HypervisorConfig}: the last accepted value and the first refused one, and
 * each {@code with...} method changes exactly the values it names.
 */
final class TestHypervisorConfigBounds {
    private static final HypervisorConfig D = HypervisorConfig.defaults();

    private static HypervisorConfig config(
            long machine, long heap, long quota, int polls, int continuations, int vcpus, int order,
            int chunk, int maxCount, int out, int in, int major, int minor, String extra) {
        return new HypervisorConfig(machine, heap, quota, polls, continuations, vcpus, order, chunk, maxCount, out, in,
                true, major, minor, extra);
    }

    private static HypervisorConfig base() {
        return config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, "");
    }

    @Test
    void theSmallestValuesAreAccepted() {
        HypervisorConfig c = base();
        assertThat(c.machineMemoryBytes()).isEqualTo(1);
        assertThat(c.maxVcpus()).isEqualTo(1);
        assertThat(c.consoleChunkBytes()).isEqualTo(1);
        assertThat(c.extraVersion()).isEmpty();
    }

    @Test
    void theLargestValuesAreAccepted() {
        HypervisorConfig c = config(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE, Integer.MAX_VALUE, 20, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE, 0x7FFF, 0xFFFF, "123456789012345");
        assertThat(c.maxExtentOrder()).isEqualTo(20);
        assertThat(c.versionMajor()).isEqualTo(0x7FFF);
        assertThat(c.versionMinor()).isEqualTo(0xFFFF);
        assertThat(c.extraVersion()).hasSize(15);
    }

    @Test
    void machineMemoryMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("machineMemoryBytes");
        assertThatIllegalArgumentException().isThrownBy(() -> config(-1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, ""));
    }

    @Test
    void heapSizesMustNotBeNegative() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, -1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("heap");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, -1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("heap");
    }

    @Test
    void preemptionSettingsMustNotBeNegative() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, -1, 0, 1, 0, 1, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("preemption");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, -1, 1, 0, 1, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("preemption");
    }

    @Test
    void aDomainNeedsAtLeastOneVcpu() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("maxVcpus");
    }

    @Test
    void theExtentOrderIsBetweenZeroAndTwenty() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, -1, 1, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("maxExtentOrder");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 21, 1, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("maxExtentOrder");
    }

    @Test
    void consoleSizesAreChecked() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, ""))
                .withMessageContaining("console");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, -1, 0, 0, 0, 0, ""))
                .withMessageContaining("console");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, -1, 0, 0, 0, ""))
                .withMessageContaining("console");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, -1, 0, 0, ""))
                .withMessageContaining("console");
    }

    @Test
    void theVersionFitsXensFields() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, -1, 0, ""))
                .withMessageContaining("version");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0x8000, 0, ""))
                .withMessageContaining("version");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, -1, ""))
                .withMessageContaining("version");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0x10000, ""))
                .withMessageContaining("version");
    }

    @Test
    void theExtraVersionIsAtMostFifteenPrintableAsciiCharacters() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, null))
                .withMessageContaining("extraVersion");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, "1234567890123456"))
                .withMessageContaining("extraVersion");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, "a\0b"))
                .withMessageContaining("extraVersion");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, "caf\u00e9"))
                .withMessageContaining("extraVersion");
        assertThatIllegalArgumentException().isThrownBy(() -> config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, "\u0080"));
        assertThat(config(1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, "\u0001~\u007f").extraVersion()).hasSize(3);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertThat(D.machineMemoryBytes()).isEqualTo(1L << 30);
        assertThat(D.xenHeapBytes()).isEqualTo(16L << 20);
        assertThat(D.domainHeapQuotaBytes()).isEqualTo(1L << 20);
        assertThat(D.maxExtentOrder()).isEqualTo(9);
        assertThat(D.consoleChunkBytes()).isEqualTo(128);
        assertThat(D.versionMajor()).isEqualTo(4);
        assertThat(D.versionMinor()).isEqualTo(19);
        assertThat(D.unprivilegedConsoleIo()).isTrue();
    }

    @Test
    void eachWithMethodChangesOnlyWhatItNames() {
        assertThat(D.withMachineMemoryBytes(4096))
                .isEqualTo(new HypervisorConfig(4096, D.xenHeapBytes(), D.domainHeapQuotaBytes(), D.preemptionPolls(),
                        D.maxContinuations(), D.maxVcpus(), D.maxExtentOrder(), D.consoleChunkBytes(),
                        D.consoleMaxCount(), D.consoleOutputBytes(), D.consoleInputBytes(), D.unprivilegedConsoleIo(),
                        D.versionMajor(), D.versionMinor(), D.extraVersion()));
        assertThat(D.withXenHeap(7, 3))
                .isEqualTo(new HypervisorConfig(D.machineMemoryBytes(), 7, 3, D.preemptionPolls(),
                        D.maxContinuations(), D.maxVcpus(), D.maxExtentOrder(), D.consoleChunkBytes(),
                        D.consoleMaxCount(), D.consoleOutputBytes(), D.consoleInputBytes(), D.unprivilegedConsoleIo(),
                        D.versionMajor(), D.versionMinor(), D.extraVersion()));
        assertThat(D.withPreemptionPolls(5))
                .isEqualTo(new HypervisorConfig(D.machineMemoryBytes(), D.xenHeapBytes(), D.domainHeapQuotaBytes(), 5,
                        D.maxContinuations(), D.maxVcpus(), D.maxExtentOrder(), D.consoleChunkBytes(),
                        D.consoleMaxCount(), D.consoleOutputBytes(), D.consoleInputBytes(), D.unprivilegedConsoleIo(),
                        D.versionMajor(), D.versionMinor(), D.extraVersion()));
        assertThat(D.withMaxContinuations(6))
                .isEqualTo(new HypervisorConfig(D.machineMemoryBytes(), D.xenHeapBytes(), D.domainHeapQuotaBytes(),
                        D.preemptionPolls(), 6, D.maxVcpus(), D.maxExtentOrder(), D.consoleChunkBytes(),
                        D.consoleMaxCount(), D.consoleOutputBytes(), D.consoleInputBytes(), D.unprivilegedConsoleIo(),
                        D.versionMajor(), D.versionMinor(), D.extraVersion()));
        assertThat(D.withConsole(2, 3, 4, 5))
                .isEqualTo(new HypervisorConfig(D.machineMemoryBytes(), D.xenHeapBytes(), D.domainHeapQuotaBytes(),
                        D.preemptionPolls(), D.maxContinuations(), D.maxVcpus(), D.maxExtentOrder(), 2, 3, 4, 5,
                        D.unprivilegedConsoleIo(), D.versionMajor(), D.versionMinor(), D.extraVersion()));
        assertThat(D.withUnprivilegedConsoleIo(false))
                .isEqualTo(new HypervisorConfig(D.machineMemoryBytes(), D.xenHeapBytes(), D.domainHeapQuotaBytes(),
                        D.preemptionPolls(), D.maxContinuations(), D.maxVcpus(), D.maxExtentOrder(),
                        D.consoleChunkBytes(), D.consoleMaxCount(), D.consoleOutputBytes(), D.consoleInputBytes(), false,
                        D.versionMajor(), D.versionMinor(), D.extraVersion()));
    }
}
