package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.machine.facade.Machine;

/** xl-like dom0 tools at work: list the domains, write the console, set a guest's memory target. */
final class Dom0ToolsScenario implements Scenario {
    static final String GUESTS = "tool-guests";
    static final String MESSAGE_BYTES = "message-bytes";
    static final String SHRINK_PAGES = "shrink-pages";

    @Override
    public String name() {
        return "dom0-tools";
    }

    @Override
    public String summary() {
        return "dom0 tools list domains, write the console and set a guest's memory target through privcmd";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.number(GUESTS, 3, 1, 64, "guest domains besides dom0"),
                ParameterSpec.number(MESSAGE_BYTES, 600, 1, 1 << 20, "bytes written to the console"),
                ParameterSpec.number(SHRINK_PAGES, 512, 0, 2048, "pages the memory target takes from guest 1"));
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int guests = (int) parameters.getLong(GUESTS);
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        for (int domid = 1; domid <= guests; domid++) {
            machine.balloon(machine.bootGuest(domid, Workloads.GUEST_BYTES));
        }
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            List<DomainInfo> domains = expect("list domains", xl::listDomains);
            check(domains.size() == guests + 1, "xl listed " + domains.size() + " domains, Xen has " + (guests + 1));
            for (DomainInfo info : domains) {
                long xenPages = Workloads.totPages(machine, info.domain());
                check(info.totPages() == xenPages, "domain " + info.domain() + " listed with " + info.totPages()
                        + " pages, Xen holds " + xenPages);
            }
            byte[] message = Workloads.text("xl", 0, (int) parameters.getLong(MESSAGE_BYTES));
            expect("console write", () -> xl.writeConsole(message));
            check(Arrays.equals(machine.hypervisor().console().output(0), message), "the console did not get the bytes written");
            if (guests >= 1) {
                long target = Workloads.totPages(machine, 1) - parameters.getLong(SHRINK_PAGES);
                expect("set memory target", () -> {
                    xl.setMemoryTarget(1, target);
                    return null;
                });
                check(Workloads.totPages(machine, 1) == target, "guest 1 holds " + Workloads.totPages(machine, 1)
                        + " pages, target " + target);
            }
        }
    }
}
