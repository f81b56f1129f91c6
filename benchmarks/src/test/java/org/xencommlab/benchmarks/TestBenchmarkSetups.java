package org.xencommlab.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;

/**
 * Each benchmark's setup wires its machine and one operation does what the benchmark says it
 * measures, so that a benchmark can never time a failing or empty path. Benchmarks never run here.
 */
final class TestBenchmarkSetups {
    @ParameterizedTest(name = "{0}, {1} bytes")
    @CsvSource({"x86, 4096", "x86, 65536", "ppc, 4096", "ppc, 65536", "cvm, 4096", "cvm, 65536"})
    void guestCopyMovesEveryByteThroughTheArchResolver(String arch, int size) {
        BenchmarkGuestCopy benchmark = new BenchmarkGuestCopy();
        BenchmarkGuestCopy.Guest guest = new BenchmarkGuestCopy.Guest();
        guest.arch = arch;
        guest.size = size;
        guest.setUp(); // copies both ways once and compares the bytes
        long before = guest.run.machine().metrics().get(Counter.BYTES_TO_HYPERVISOR);
        long steps = guest.run.machine().metrics().get(Counter.TRANSLATION_STEPS);

        assertThat(benchmark.copyFromGuest(guest)).isZero();

        assertThat(guest.run.machine().metrics().get(Counter.BYTES_TO_HYPERVISOR) - before).isEqualTo(size);
        long pieces = size / 4096;
        // x86 reads four page-table entries per piece; ppc looks the registration up per piece;
        // cvm looks the page's state up per piece.
        long stepsPerPiece = arch.equals("x86") ? 4 : 1;
        assertThat(guest.run.machine().metrics().get(Counter.TRANSLATION_STEPS) - steps)
                .isGreaterThanOrEqualTo(pieces * stepsPerPiece);
        guest.hypervisorBytes[0] ^= 1;
        assertThat(benchmark.copyToGuest(guest)).isZero();
        byte[] first = new byte[1];
        guest.run.tool().process().readMemory(guest.slice.userAddress(), first, 0, 1);
        assertThat(first[0]).isEqualTo(guest.hypervisorBytes[0]);
        guest.tearDown();
    }

    @Test
    void arraycopyBaselineCopiesTheSameBytes() {
        BenchmarkGuestCopy.Plain plain = new BenchmarkGuestCopy.Plain();
        plain.size = 65536;
        plain.setUp();
        assertThat(new BenchmarkGuestCopy().arraycopy(plain)).isEqualTo(plain.src);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86", "ppc", "cvm"})
    void xenVersionThroughTheGateAnswersTheVersion(String arch) {
        BenchmarkSmallHypercall.Kernel kernel = new BenchmarkSmallHypercall.Kernel();
        kernel.arch = arch;
        kernel.setUp();
        long hypercalls = kernel.run.machine().metrics().get(Counter.HYPERCALLS);

        assertThat(new BenchmarkSmallHypercall().xenVersionThroughGate(kernel)).isEqualTo((4L << 16) | 19);

        assertThat(kernel.run.machine().metrics().get(Counter.HYPERCALLS)).isEqualTo(hypercalls + 1);
        kernel.tearDown();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"x86, pointer", "x86, embedded", "x86, percpu-page", "ppc, pointer", "ppc, embedded", "ppc, percpu-page",
            "cvm, pointer", "cvm, embedded", "cvm, percpu-page"})
    void aToolCallsThroughPrivcmd(String arch, String strategy) {
        BenchmarkSmallHypercall benchmark = new BenchmarkSmallHypercall();
        BenchmarkSmallHypercall.Tool tool = new BenchmarkSmallHypercall.Tool();
        tool.arch = arch;
        tool.strategy = strategy;
        tool.setUp();
        long syscalls = tool.run.machine().metrics().get(Counter.GUEST_SYSCALLS);

        assertThat(benchmark.xenVersionThroughPrivcmd(tool)).isEqualTo((4L << 16) | 19);
        assertThat(tool.run.machine().metrics().get(Counter.GUEST_SYSCALLS)).isGreaterThan(syscalls);
        assertThat(benchmark.consoleWriteThroughPrivcmd(tool)).isEqualTo(BenchmarkSmallHypercall.CONSOLE_BYTES);
        assertThat(benchmark.consoleWriteThroughPrivcmd(tool)).isEqualTo(BenchmarkSmallHypercall.CONSOLE_BYTES);

        String line = new String(tool.line, StandardCharsets.US_ASCII);
        assertThat(tool.run.machine().hypervisor().console().outputText(0)).isEqualTo(line + line);
        tool.tearDown();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64})
    void registrationLookupsTranslateEveryLiveBufid(int registrations) {
        BenchmarkRegistrationLookup.Table table = new BenchmarkRegistrationLookup.Table();
        table.registrations = registrations;
        table.setUp();
        assertThat(table.run.machine().metrics().current(Gauge.REGISTRATIONS_LIVE)).isEqualTo(registrations);
        long steps = table.run.machine().metrics().get(Counter.TRANSLATION_STEPS);

        assertThat(new BenchmarkRegistrationLookup().lookupAndTranslate(table)).isPositive();

        // One step for the lookup at open, one for the translation.
        assertThat(table.run.machine().metrics().get(Counter.TRANSLATION_STEPS) - steps).isEqualTo(2L * Translations.BATCH);
        table.tearDown();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 256})
    void pageWalksAgreeWithTheKernelAndReadFourLevels(int pages) {
        BenchmarkPageWalk.Walk walk = new BenchmarkPageWalk.Walk();
        walk.pages = pages;
        walk.setUp(); // compares the hypervisor's walk with the kernel's own translation
        long steps = walk.run.machine().metrics().get(Counter.TRANSLATION_STEPS);

        assertThat(new BenchmarkPageWalk().walkAndTranslate(walk)).isPositive();

        assertThat(walk.run.machine().metrics().get(Counter.TRANSLATION_STEPS) - steps).isEqualTo(4L * Translations.BATCH);
        walk.tearDown();
    }
}
