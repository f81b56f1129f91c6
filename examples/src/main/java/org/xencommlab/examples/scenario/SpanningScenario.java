package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.machine.facade.Machine;

/**
 * The mail's Problem #2: a tool passes a buffer that spans pages whose frames are scattered in
 * guest-physical memory. x86 walks the page tables page by page; a registration carries a page
 * list; a descriptor an entry per page; a device area is one physical range; the embedded form
 * copies through a kernel block.
 */
final class SpanningScenario implements Scenario {
    static final String PAGES = "span-pages";

    @Override
    public String name() {
        return "spanning";
    }

    @Override
    public String summary() {
        return "Problem #2: a tool writes a console message that spans several scattered pages";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(PAGES, 4, 1, 256, "pages the message spans"));
    }

    @Override
    public String sizeParameter() {
        return PAGES;
    }

    @Override
    public List<Long> sweepValues() {
        return List.of(1L, 4L, 16L);
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int pages = (int) parameters.getLong(PAGES);
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            // Fragment the kernel's free frames first (touch a mapping, give every other page back),
            // so the tool's buffer pages get scattered, non-consecutive frames.
            Workloads.fragmentFreeFrames(xl, 2 * pages + 2, machine.pageSize().bytes());
            byte[] message = Workloads.text("spanning", pages, pages * machine.pageSize().bytes() - 32);
            expect("console write of " + message.length + " bytes", () -> xl.writeConsole(message));
            check(Arrays.equals(machine.hypervisor().console().output(0), message),
                    "the console did not get the " + message.length + " bytes written");
        }
    }
}
