package org.xencommlab.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.xencommlab.hypervisor.HypervisorConfig.ConsoleAccess;
import org.xencommlab.hypervisor.HypervisorConfig.IncreaseReservation;

/**
 * Every limit of {@link HypervisorConfig}: the last accepted value and the first refused one, and
 * each {@code with...} method changes exactly the values it names.
 */
final class TestHypervisorConfigBounds {
    private static final HypervisorConfig D = HypervisorConfig.defaults();

    /** The smallest valid configuration, one field at a time changeable. */
    private static final class Fields {
        long machine = 1;
        long heap;
        long quota;
        int polls;
        int continuations;
        long budget = 1;
        int vcpus = 1;
        int domUOrder;
        int ctlDomOrder;
        int chunk = 1;
        int out;
        int in;
        ConsoleAccess access = ConsoleAccess.RELEASE;
        IncreaseReservation increase = IncreaseReservation.TRANSLATED;
        int major;
        int minor;
        String extra = "";

        HypervisorConfig build() {
            return new HypervisorConfig(machine, heap, quota, polls, continuations, budget, vcpus, domUOrder,
                    ctlDomOrder, chunk, out, in, access, increase, major, minor, extra);
        }
    }

    private static HypervisorConfig config(Consumer<Fields> change) {
        Fields fields = new Fields();
        change.accept(fields);
        return fields.build();
    }

    private static void refused(Consumer<Fields> change, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> config(change)).withMessageContaining(message);
    }

    @Test
    void theSmallestValuesAreAccepted() {
        HypervisorConfig c = config(f -> {});
        assertThat(c.machineMemoryBytes()).isEqualTo(1);
        assertThat(c.maxVcpus()).isEqualTo(1);
        assertThat(c.workBudget()).isEqualTo(1);
        assertThat(c.consoleChunkBytes()).isEqualTo(1);
        assertThat(c.extraVersion()).isEmpty();
    }

    @Test
    void theLargestValuesAreAccepted() {
        HypervisorConfig c = config(f -> {
            f.machine = Long.MAX_VALUE;
            f.heap = Long.MAX_VALUE;
            f.quota = Long.MAX_VALUE;
            f.polls = Integer.MAX_VALUE;
            f.continuations = Integer.MAX_VALUE;
            f.budget = Long.MAX_VALUE;
            f.vcpus = Integer.MAX_VALUE;
            f.domUOrder = 20;
            f.ctlDomOrder = 20;
            f.chunk = Integer.MAX_VALUE;
            f.out = Integer.MAX_VALUE;
            f.in = Integer.MAX_VALUE;
            f.major = 0x7FFF;
            f.minor = 0xFFFF;
            f.extra = "123456789012345";
        });
        assertThat(c.maxExtentOrder()).isEqualTo(20);
        assertThat(c.versionMajor()).isEqualTo(0x7FFF);
        assertThat(c.versionMinor()).isEqualTo(0xFFFF);
        assertThat(c.extraVersion()).hasSize(15);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertThat(D.machineMemoryBytes()).isEqualTo(1L << 30);
        assertThat(D.xenHeapBytes()).isEqualTo(16L << 20);
        assertThat(D.domainHeapQuotaBytes()).isEqualTo(1L << 20);
        assertThat(D.maxOrder(false)).isEqualTo(9);
        assertThat(D.maxOrder(true)).isEqualTo(18);
        assertThat(D.consoleChunkBytes()).isEqualTo(127);
        assertThat(D.versionMajor()).isEqualTo(4);
        assertThat(D.versionMinor()).isEqualTo(19);
        assertThat(D.consoleAccess()).isEqualTo(ConsoleAccess.RELEASE);
        assertThat(D.increaseReservation()).isEqualTo(IncreaseReservation.TRANSLATED);
    }

    @Test
    void theControlDomainGetsTheLargerOrder() {
        HypervisorConfig c = D.withMaxOrders(12, 3);
        assertThat(c.maxOrder(true)).isEqualTo(12);
        assertThat(c.maxOrder(false)).isEqualTo(12);
        assertThat(D.withMaxOrders(2, 7).maxOrder(false)).isEqualTo(2);
        assertThat(D.withMaxOrders(2, 7).maxExtentOrder()).isEqualTo(7);
    }

    @Test
    void machineMemoryMustBePositive() {
        refused(f -> f.machine = 0, "machineMemoryBytes");
        refused(f -> f.machine = -1, "machineMemoryBytes");
    }

    @Test
    void heapSizesMustNotBeNegative() {
        refused(f -> f.heap = -1, "heap");
        refused(f -> f.quota = -1, "heap");
    }

    @Test
    void preemptionSettingsMustNotBeNegative() {
        refused(f -> f.polls = -1, "preemption");
        refused(f -> f.continuations = -1, "preemption");
    }

    @Test
    void theWorkBudgetIsAtLeastOne() {
        refused(f -> f.budget = 0, "workBudget");
    }

    @Test
    void aDomainNeedsAtLeastOneVcpu() {
        refused(f -> f.vcpus = 0, "maxVcpus");
    }

    @Test
    void theExtentOrdersAreBetweenZeroAndTwenty() {
        refused(f -> f.domUOrder = -1, "extent orders");
        refused(f -> f.domUOrder = 21, "extent orders");
        refused(f -> f.ctlDomOrder = -1, "extent orders");
        refused(f -> f.ctlDomOrder = 21, "extent orders");
    }

    @Test
    void consoleSizesAreChecked() {
        refused(f -> f.chunk = 0, "console");
        refused(f -> f.out = -1, "console");
        refused(f -> f.in = -1, "console");
        refused(f -> f.access = null, "consoleAccess");
        refused(f -> f.increase = null, "increaseReservation");
    }

    @Test
    void theVersionFitsXensFields() {
        refused(f -> f.major = -1, "version");
        refused(f -> f.major = 0x8000, "version");
        refused(f -> f.minor = -1, "version");
        refused(f -> f.minor = 0x10000, "version");
    }

    @Test
    void theExtraVersionIsAtMostFifteenPrintableAsciiCharacters() {
        refused(f -> f.extra = null, "extraVersion");
        refused(f -> f.extra = "1234567890123456", "extraVersion");
        refused(f -> f.extra = "a\0b", "extraVersion");
        refused(f -> f.extra = "caf\u00e9", "extraVersion");
        refused(f -> f.extra = "\u0080", "extraVersion");
        assertThat(config(f -> f.extra = "\u0001~\u007f").extraVersion()).hasSize(3);
    }

    @Test
    void eachWithMethodChangesOnlyWhatItNames() {
        assertThat(D.withMachineMemoryBytes(4096)).isEqualTo(copy(f -> f.machine = 4096));
        assertThat(D.withXenHeap(7, 3)).isEqualTo(copy(f -> {
            f.heap = 7;
            f.quota = 3;
        }));
        assertThat(D.withPreemptionPolls(5)).isEqualTo(copy(f -> f.polls = 5));
        assertThat(D.withMaxContinuations(6)).isEqualTo(copy(f -> f.continuations = 6));
        assertThat(D.withWorkBudget(9)).isEqualTo(copy(f -> f.budget = 9));
        assertThat(D.withMaxOrders(1, 2)).isEqualTo(copy(f -> {
            f.domUOrder = 1;
            f.ctlDomOrder = 2;
        }));
        assertThat(D.withConsole(2, 4, 5)).isEqualTo(copy(f -> {
            f.chunk = 2;
            f.out = 4;
            f.in = 5;
        }));
        assertThat(D.withConsoleAccess(ConsoleAccess.OPEN)).isEqualTo(copy(f -> f.access = ConsoleAccess.OPEN));
        assertThat(D.withIncreaseReservation(IncreaseReservation.PV))
                .isEqualTo(copy(f -> f.increase = IncreaseReservation.PV));
    }

    /** The defaults with {@code change} applied, built through the canonical constructor. */
    private static HypervisorConfig copy(Consumer<Fields> change) {
        Fields f = new Fields();
        f.machine = D.machineMemoryBytes();
        f.heap = D.xenHeapBytes();
        f.quota = D.domainHeapQuotaBytes();
        f.polls = D.preemptionPolls();
        f.continuations = D.maxContinuations();
        f.budget = D.workBudget();
        f.vcpus = D.maxVcpus();
        f.domUOrder = D.domUMaxOrder();
        f.ctlDomOrder = D.ctlDomMaxOrder();
        f.chunk = D.consoleChunkBytes();
        f.out = D.consoleOutputBytes();
        f.in = D.consoleInputBytes();
        f.access = D.consoleAccess();
        f.increase = D.increaseReservation();
        f.major = D.versionMajor();
        f.minor = D.versionMinor();
        f.extra = D.extraVersion();
        change.accept(f);
        return f.build();
    }
}
