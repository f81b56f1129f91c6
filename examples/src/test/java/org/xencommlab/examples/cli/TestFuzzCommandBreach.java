package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.hostile.fuzz.Fuzzer;
import org.xencommlab.hostile.fuzz.PlantedDefect;
import org.xencommlab.machine.wiring.PluginRegistry;
import picocli.CommandLine;

/**
 * {@code xencomm-lab fuzz} on a machine with a planted defect (a console write that scribbles on
 * an honest canary): exit code 1, the seed, the shrunk sequence and the replay command printed.
 */
final class TestFuzzCommandBreach {
    private static final PlantedDefect SCRIBBLING_CONSOLE = (call, world) -> {
        long[] args = call.args();
        if (call.op() == HypercallNumber.CONSOLE_IO && call.result() == 0 && args.length > 0 && args[0] == SubOps.ConsoleIo.WRITE) {
            world.scribbleOnCanary();
        }
    };

    @Test
    void aBreachExitsOneWithTheSeedAndAShrunkSequence() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new FuzzCommand(PluginRegistry.discover(),
                injectors -> new Fuzzer(injectors, SCRIBBLING_CONSOLE)));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        int code = commandLine.execute("--arch", "ppc", "--strategy", "embedded", "--set", "mode=registration",
                "--hypercalls", "3000", "--seed", "77", "--threads", "1");

        assertThat(code).as(err.toString()).isEqualTo(XencommLabCommand.EXIT_FAILED);
        assertThat(out.toString()).contains("BREACH on ppc/embedded [mode=registration], seed 77: canary-changed after call ")
                .containsPattern("shrunk to 1 of [0-9]+ calls: [0-9]+\\n  #[0-9]+ [a-z]+ console_io\\(0x0")
                .containsPattern("replay: xencomm-lab fuzz --arch ppc --strategy embedded --set mode=registration --replay 77:[0-9]+,\\n")
                .contains("breaches: 1");
    }
}
