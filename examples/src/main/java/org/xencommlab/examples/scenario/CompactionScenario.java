package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.machine.facade.Machine;

/**
 * Why mlock is not enough: compaction migrates pages, mlocked ones too, and leaves the page-table
 * entry not present while it moves; a hypervisor walking the page tables then faults, and the
 * library retries. The scenario is about that retry, so it selects the retrying library policy
 * ({@link GuestConfig.RetryPolicy#EVERY_CALL}, 3 retries); real libxc retries only
 * {@code XEN_DOMCTL_getpageframeinfo3}, which the lab does not issue. Pinned, registered and device
 * pages never move.
 */
final class CompactionScenario implements Scenario {
    static final String CALLS = "compaction-calls";
    static final String WORKING_SET = "working-set-pages";
    static final String COMPACTION = "compaction-percent";

    @Override
    public String name() {
        return "compaction";
    }

    @Override
    public String summary() {
        return "compaction migrates pages, locked ones too, during calls: why mlock is not enough";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(CALLS, 16, 1, 1000, "console writes made during compaction"),
                ParameterSpec.number(COMPACTION, 50, 0, 100, "chance in percent that compaction starts moving a page at a scheduling point"),
                ParameterSpec.number(WORKING_SET, 4, 0, 65_536, "pages of ordinary memory the tool uses besides its buffers"));
    }

    @Override
    public MachineSettings machineSettings(Parameters parameters) {
        return new MachineSettings(HypervisorConfig.defaults(),
                GuestConfig.defaults().withRetryPolicy(GuestConfig.RetryPolicy.EVERY_CALL));
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int calls = (int) parameters.getLong(CALLS);
        double compaction = parameters.getLong(COMPACTION) / 100.0;
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            Workloads.touchWorkingSet(xl, (int) parameters.getLong(WORKING_SET),
                    machine.pageSize().bytes());
            dom0.setCompaction(compaction);
            for (int call = 0; call < calls; call++) {
                byte[] bytes = Workloads.text("xl", call, 120); // one console chunk: a failed call prints nothing
                expect("console write " + call + " under compaction", () -> xl.writeConsole(bytes));
                expected.writeBytes(bytes);
            }
            dom0.setCompaction(0);
        }
        check(Arrays.equals(machine.hypervisor().console().output(0), expected.toByteArray()),
                "the console did not get exactly the bytes written");
    }
}
