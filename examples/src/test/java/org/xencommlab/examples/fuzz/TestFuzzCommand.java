package org.xencommlab.examples.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cli.XencommLabCommand;
import org.xencommlab.machine.wiring.PluginRegistry;

/** {@code xencomm-lab fuzz} as a user meets it: the summary, {@code --replay} with a trace, one-line usage errors. */
final class TestFuzzCommand {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover();

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XencommLabCommand.commandLine(REGISTRY, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aCleanSessionPrintsItsSummaryAndExitsZero() {
        Result result = run("fuzz", "--arch", "x86", "--strategy", "pointer", "--set", "buffers=mlock", "--hypercalls", "40",
                "--seed", "12", "--threads", "1");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("fuzz: seed 12, 40 hypercalls per configuration, unprivileged attacker",
                "x86/pointer [buffers=mlock]", "configurations: 1, calls: 40", "results: ", "-EFAULT", "breaches: 0");
        assertThat(result.err()).contains("fuzz: 1/1 x86/pointer [buffers=mlock]: 40 calls, 0 breaches");
        // Deterministic: the same seed prints the same summary.
        assertThat(run("fuzz", "--arch", "x86", "--strategy", "pointer", "--set", "buffers=mlock", "--hypercalls", "40",
                "--seed", "12", "--threads", "1").out()).isEqualTo(result.out());
    }

    @Test
    void replayRerunsThePrefixWithATraceOnTheNamedConfigurationOnly() {
        Result result = run("fuzz", "--arch", "ppc", "--strategy", "embedded", "--replay", "5:6");

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("replay on ppc/embedded, seed 5, 7 calls", "fuzz call 0", "fuzz call 6",
                "call #0 ", "call #6 ", "no breach").doesNotContain("replay on ppc/embedded [");
        Result chosen = run("fuzz", "--arch", "ppc", "--strategy", "embedded", "--replay", "5:2,6");
        assertThat(chosen.out()).contains("2 calls", "call #2 ", "call #6 ").doesNotContain("call #0 ");
        Result alone = run("fuzz", "--arch", "ppc", "--strategy", "embedded", "--replay", "5:6,");
        assertThat(alone.code()).as(alone.err()).isZero();
        assertThat(alone.out()).contains("seed 5, 1 calls", "call #6 ").doesNotContain("call #0 ");
        Result emptyList = run("fuzz", "--arch", "ppc", "--strategy", "embedded", "--replay", "5:6,,");
        assertThat(emptyList.code()).isEqualTo(2);
        assertThat(emptyList.err()).contains("--replay wants SEED:CALL or SEED:I,J,K with whole numbers");
    }

    @Test
    void badOptionsAreOneLineUsageErrors() {
        assertThat(run("fuzz", "--hypercalls", "0").code()).isEqualTo(2);
        Result badReplay = run("fuzz", "--replay", "seven");
        assertThat(badReplay.code()).isEqualTo(2);
        assertThat(badReplay.err()).contains("--replay wants SEED:CALL").doesNotContain("\tat ");
        assertThat(run("fuzz", "--arch", "sparc").err()).contains("unknown arch 'sparc'");
        assertThat(run("fuzz", "--set", "colour=blue").err()).contains("unknown setting 'colour'");
    }
}
