package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.balloon.BalloonDriver;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.machine.facade.Machine;

/**
 * The mail's Problem #1 as it happens: a dom0 tool makes its buffers reachable and keeps them for
 * its whole run; meanwhile, round after round, a second tool starts, makes its own buffers
 * reachable, calls, releases them and exits, and the balloon driver moves pages; the first tool
 * keeps calling through buffers it made reachable before all of that. The hypervisor must keep
 * every buffer of the domain apart, with any number of them.
 */
final class InterleavedScenario implements Scenario {
    static final String ROUNDS = "rounds";
    static final String BALLOON_PAGES = "round-pages";

    @Override
    public String name() {
        return "interleaved";
    }

    @Override
    public String summary() {
        return "Problem #1: a tool keeps its buffers while another tool and the balloon register and release theirs";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(ROUNDS, 4, 1, 1000, "rounds of the second tool and the balloon"),
                ParameterSpec.number(BALLOON_PAGES, 64, 0, 4096, "pages the balloon moves in each round"));
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int rounds = (int) parameters.getLong(ROUNDS);
        long balloonPages = parameters.getLong(BALLOON_PAGES);
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        BalloonDriver balloon = machine.balloon(dom0);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            byte[] opening = Workloads.text("xl", 0, 100);
            expect("xl console write", () -> xl.writeConsole(opening)); // xl's buffers are reachable from here on
            expected.writeBytes(opening);
            for (int round = 1; round <= rounds; round++) {
                int thisRound = round;
                XcHandle handle = machine.startTool(dom0, "xenstat");
                try (Dom0Tools xenstat = machine.tools(handle)) {
                    byte[] inner = Workloads.text("xenstat", round, 100);
                    expect("xenstat console write in round " + round, () -> xenstat.writeConsole(inner));
                    expected.writeBytes(inner);
                    long given = expect("balloon inflate in round " + round, () -> balloon.inflate(balloonPages));
                    check(given == balloonPages, "the balloon gave " + given + " of " + balloonPages + " pages in round " + round);
                }
                handle.process().exit();
                long taken = expect("balloon deflate in round " + round, () -> balloon.deflate(balloonPages));
                check(taken == balloonPages, "the balloon took back " + taken + " of " + balloonPages + " pages in round " + round);
                byte[] outer = Workloads.text("xl", round, 100);
                expect("xl console write in round " + thisRound, () -> xl.writeConsole(outer));
                expected.writeBytes(outer);
            }
        }
        check(Arrays.equals(machine.hypervisor().console().output(0), expected.toByteArray()),
                "the console did not get each tool's bytes in the order they were written");
    }
}
