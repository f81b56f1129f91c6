package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.machine.facade.Machine;

/**
 * Why x86 mlocks: the swapper evicts unlocked user pages at the scheduling points of every call,
 * and a hypervisor that walks the guest's page tables cannot fault a page back in. Buffers that
 * are locked, pinned, registered, in a device, or copied by the kernel survive.
 */
final class MemoryPressureScenario implements Scenario {
    static final String CALLS = "pressure-calls";
    static final String PRESSURE = "pressure-percent";

    @Override
    public String name() {
        return "memory-pressure";
    }

    @Override
    public String summary() {
        return "the swapper evicts unlocked pages during every call: why x86 mlocks its buffers";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(CALLS, 8, 1, 1000, "console writes made under pressure"),
                ParameterSpec.number(PRESSURE, 100, 0, 100, "chance in percent that the swapper runs at a scheduling point"));
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int calls = (int) parameters.getLong(CALLS);
        double pressure = parameters.getLong(PRESSURE) / 100.0;
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            dom0.setMemoryPressure(pressure, 64);
            for (int call = 0; call < calls; call++) {
                byte[] bytes = Workloads.text("xl", call, 120); // one console chunk: a failed call prints nothing
                expect("console write " + call + " under memory pressure", () -> xl.writeConsole(bytes));
                expected.writeBytes(bytes);
            }
            dom0.setMemoryPressure(0, 0);
        }
        check(Arrays.equals(machine.hypervisor().console().output(0), expected.toByteArray()),
                "the console did not get exactly the bytes written");
    }
}
