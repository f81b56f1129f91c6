package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.abi.multicall.MulticallOutcome;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.machine.facade.Machine;

/**
 * Batches of calls in one multicall: the hypervisor copies each entry once and writes back only
 * its result; the nested console buffer is a second level of pointer in the pointer form and sits
 * inside the same block in the embedded form.
 */
final class MulticallScenario implements Scenario {
    static final String BATCHES = "batches";

    @Override
    public String name() {
        return "multicall";
    }

    @Override
    public String summary() {
        return "batches of xen_version and console writes in one multicall each: entries copied once, results written back";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(BATCHES, 8, 1, 1000, "multicalls made"));
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int batches = (int) parameters.getLong(BATCHES);
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            long version = expect("xen_version", xl::xenVersion);
            for (int batch = 0; batch < batches; batch++) {
                byte[] bytes = Workloads.text("multicall", batch, 120);
                MulticallOutcome outcome = expect("multicall " + batch, () -> xl.versionAndConsole(bytes));
                check(outcome.result() == 0, "multicall " + batch + " returned " + outcome.result());
                check(outcome.entries().size() == 2, "multicall " + batch + " has " + outcome.entries().size() + " entries");
                check(outcome.entries().get(0).result() == version, "xen_version in multicall " + batch + " gave "
                        + outcome.entries().get(0).result() + ", alone it gives " + version);
                check(outcome.entries().get(1).result() >= 0, "the console write in multicall " + batch + " failed: "
                        + outcome.entries().get(1).result());
                expected.writeBytes(bytes);
            }
        }
        check(Arrays.equals(machine.hypervisor().console().output(0), expected.toByteArray()),
                "the console did not get exactly the bytes the multicalls wrote");
    }
}
