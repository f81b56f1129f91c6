package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.machine.wiring.PluginRegistry;

/** The command line as a user meets it: output, exit codes, and one-line errors without stack traces. */
final class TestCommandLine {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover();

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XencommLabCommand.commandLine(REGISTRY, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertOneLineUsageError(Result result, String expected) {
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains(expected).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void listShowsTheDiscoveredArchsAndStrategiesWithALineEach() {
        Result result = run("list");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("Archs:", "  ppc ", "  x86 ", "Strategies:", "  embedded ", "  pointer ",
                "--set buffers=<mlock|unlocked|device>", "--set mode=<registration|descriptor>");
    }

    @Test
    void versionAndHelp() {
        assertThat(run("--version").out()).startsWith("xencomm-lab ").doesNotContain("unknown");
        Result help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("compare", "run", "list", "abi");
    }

    @Test
    void anUnknownArchIsOneLineAndExitCode2() {
        assertOneLineUsageError(run("compare", "--arch", "sparc"), "unknown arch 'sparc'; valid: cvm, ppc, x86");
        assertOneLineUsageError(run("run", "--arch", "sparc", "--strategy", "pointer", "--scenario", "balloon"),
                "unknown arch 'sparc'; valid: cvm, ppc, x86");
    }

    @Test
    void unknownStrategyScenarioAndSettingNameWhatIsValid() {
        assertOneLineUsageError(run("compare", "--strategy", "inline"), "unknown strategy 'inline'; valid: embedded, percpu-page, pointer");
        assertOneLineUsageError(run("compare", "--scenario", "nope"), "unknown scenario 'nope'; valid: ");
        assertOneLineUsageError(run("compare", "--set", "colour=blue"), "unknown setting 'colour'; valid: ");
        assertOneLineUsageError(run("compare", "--set", "buffers=floppy"), "bad value 'floppy' for buffers");
    }

    @Test
    void anUnknownCommandNamesTheValidOnesOnOneLine() {
        Result result = run("bogus");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err().lines().count()).isEqualTo(1);
        assertThat(result.err()).contains("'bogus'", "commands: compare, merge, diff, run, list, abi, fuzz");
    }

    @Test
    void sweepsRunByDefaultAndNoSweepTurnsThemOff() {
        assertThat(run("compare", "--scenario", "spanning", "--arch", "x86", "--strategy", "pointer", "--format", "json").out())
                .contains("\"sweeps\" : [\n    {");
        assertThat(run("compare", "--scenario", "spanning", "--arch", "x86", "--strategy", "pointer", "--format", "json", "--no-sweep").out())
                .contains("\"sweeps\" : [ ]");
    }

    @Test
    void aScenarioNamedTwiceRunsOnce() {
        Result result = run("compare", "--scenario", "spanning,spanning", "--arch", "x86", "--strategy", "pointer", "--no-sweep");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("1 scenario: ");
    }

    @Test
    void outOfRangeScenarioValuesAreUsageErrorsNamingTheRange() {
        assertOneLineUsageError(run("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "spanning", "--set", "span-pages=1000"),
                "bad value '1000' for span-pages; valid: an integer from 1 to 256");
        assertOneLineUsageError(run("compare", "--set", "message-bytes=3000000000"), "valid: an integer from 1 to 1048576");
    }

    @Test
    void badNumbersAreUsageErrors() {
        assertOneLineUsageError(run("compare", "--seed", "abc"), "'abc' is not a long");
        assertOneLineUsageError(run("compare", "--repeat", "0"), "--repeat must be between 1 and 1000");
        assertOneLineUsageError(run("compare", "--threads", "0"), "--threads must be between 1 and 256");
        assertOneLineUsageError(run("compare", "--format", "pdf"), "pdf");
    }

    @Test
    void anUnwritableOutFileIsRefusedBeforeAnythingRuns(@TempDir Path dir) {
        assertOneLineUsageError(run("compare", "--out", dir.resolve("missing/report.html").toString()),
                "cannot write --out");
        assertOneLineUsageError(run("compare", "--out", dir.toString()), "it is a directory");
    }

    @Test
    void aBadCostModelFileIsOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("costs.properties");
        java.nio.file.Files.writeString(file, "hypervisorEntryNanos = lots\n");
        assertOneLineUsageError(run("compare", "--cost-model", file.toString()), "hypervisorEntryNanos");
    }

    @Test
    void abiPrintsEveryLayoutAndOneByName() {
        Result one = run("abi", "xen_memory_reservation");

        assertThat(one.code()).isZero();
        assertThat(one.out()).contains("xen_memory_reservation", "pointer form (32 bytes", "extent_start", "embedded form");
        assertThat(run("abi").out()).contains("multicall_entry", "xen_sysctl_getdomaininfolist", "xen_dm_op");
        assertOneLineUsageError(run("abi", "struct_nope"), "unknown structure 'struct_nope'; valid: ");
    }

    /** Xen's sizes, from gcc against the x86-64 public headers of Xen 4.16 and 4.19. */
    @Test
    void abiPrintsXensSizeofAndTheBytesUsedWhereTheyDiffer() {
        assertThat(run("abi", "xen_dm_op").out()).contains("pointer form (32 bytes, C sizeof; 16 used; aligned to 8)",
                "(rest of u)");
        assertThat(run("abi", "xen_domctl_getdomaininfo").out()).contains("pointer form (112 bytes, aligned to 8)", "arch_config");
        assertThat(run("abi", "xen_sysctl_getdomaininfolist").out()).contains("interface version 0x15")
                .doesNotContain("0x14");
    }
}
