package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.examples.wiring.PluginRegistry;

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
    void list_shows_the_discovered_archs_and_strategies_with_a_line_each() {
        Result result = run("list");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("Archs:", "  ppc ", "  x86 ", "Strategies:", "  embedded ", "  pointer ",
                "--set buffers=<mlock|unlocked|device>", "--set mode=<registration|descriptor>");
    }

    @Test
    void version_and_help() {
        assertThat(run("--version").out()).startsWith("xencomm-lab ").doesNotContain("unknown");
        Result help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("compare", "run", "list", "abi");
    }

    @Test
    void an_unknown_arch_is_one_line_and_exit_code_2() {
        assertOneLineUsageError(run("compare", "--arch", "sparc"), "unknown arch 'sparc'; valid: ppc, x86");
        assertOneLineUsageError(run("run", "--arch", "sparc", "--strategy", "pointer", "--scenario", "balloon"),
                "unknown arch 'sparc'; valid: ppc, x86");
    }

    @Test
    void unknown_strategy_scenario_and_setting_name_what_is_valid() {
        assertOneLineUsageError(run("compare", "--strategy", "inline"), "unknown strategy 'inline'; valid: embedded, pointer");
        assertOneLineUsageError(run("compare", "--scenario", "nope"), "unknown scenario 'nope'; valid: ");
        assertOneLineUsageError(run("compare", "--set", "colour=blue"), "unknown setting 'colour'; valid: ");
        assertOneLineUsageError(run("compare", "--set", "buffers=floppy"), "bad value 'floppy' for buffers");
    }

    @Test
    void an_unknown_command_names_the_valid_ones_on_one_line() {
        Result result = run("bogus");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err().lines().count()).isEqualTo(1);
        assertThat(result.err()).contains("'bogus'", "commands: compare, diff, run, list, abi");
    }

    @Test
    void sweeps_run_by_default_and_no_sweep_turns_them_off() {
        assertThat(run("compare", "--scenario", "spanning", "--arch", "x86", "--strategy", "pointer", "--format", "json").out())
                .contains("\"sweeps\" : [\n    {");
        assertThat(run("compare", "--scenario", "spanning", "--arch", "x86", "--strategy", "pointer", "--format", "json", "--no-sweep").out())
                .contains("\"sweeps\" : [ ]");
    }

    @Test
    void a_scenario_named_twice_runs_once() {
        Result result = run("compare", "--scenario", "spanning,spanning", "--arch", "x86", "--strategy", "pointer", "--no-sweep");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("1 scenario: ");
    }

    @Test
    void out_of_range_scenario_values_are_usage_errors_naming_the_range() {
        assertOneLineUsageError(run("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "spanning", "--set", "span-pages=1000"),
                "bad value '1000' for span-pages; valid: an integer from 1 to 256");
        assertOneLineUsageError(run("compare", "--set", "message-bytes=3000000000"), "valid: an integer from 1 to 1048576");
    }

    @Test
    void bad_numbers_are_usage_errors() {
        assertOneLineUsageError(run("compare", "--seed", "abc"), "'abc' is not a long");
        assertOneLineUsageError(run("compare", "--repeat", "0"), "--repeat must be between 1 and 1000");
        assertOneLineUsageError(run("compare", "--threads", "0"), "--threads must be between 1 and 256");
        assertOneLineUsageError(run("compare", "--format", "pdf"), "pdf");
    }

    @Test
    void an_unwritable_out_file_is_refused_before_anything_runs(@TempDir Path dir) {
        assertOneLineUsageError(run("compare", "--out", dir.resolve("missing/report.html").toString()),
                "cannot write --out");
        assertOneLineUsageError(run("compare", "--out", dir.toString()), "it is a directory");
    }

    @Test
    void a_bad_cost_model_file_is_one_line(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("costs.properties");
        java.nio.file.Files.writeString(file, "hypervisorEntryNanos = lots\n");
        assertOneLineUsageError(run("compare", "--cost-model", file.toString()), "hypervisorEntryNanos");
    }

    @Test
    void abi_prints_every_layout_and_one_by_name() {
        Result one = run("abi", "xen_memory_reservation");

        assertThat(one.code()).isZero();
        assertThat(one.out()).contains("xen_memory_reservation", "pointer form (32 bytes", "extent_start", "embedded form");
        assertThat(run("abi").out()).contains("multicall_entry", "xen_sysctl_getdomaininfolist", "xen_dm_op");
        assertOneLineUsageError(run("abi", "struct_nope"), "unknown structure 'struct_nope'; valid: ");
    }
}
