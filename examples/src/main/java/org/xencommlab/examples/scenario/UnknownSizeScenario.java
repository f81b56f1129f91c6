package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.util.List;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.examples.machine.Machine;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.tools.Dom0Tools;

/**
 * The mail's Problem #3: a tool lists the domains (sysctl getdomaininfolist) but cannot know how
 * many there are, so it cannot size its buffer up front: it guesses, and asks again with more room.
 */
final class UnknownSizeScenario implements Scenario {
    static final String GUESTS = "domains";

    @Override
    public String name() {
        return "unknown-size";
    }

    @Override
    public String summary() {
        return "Problem #3: a tool lists more domains than its first buffer holds, and must retry larger";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(GUESTS, 12, 0, 500, "guest domains besides dom0"));
    }

    @Override
    public String sizeParameter() {
        return GUESTS;
    }

    @Override
    public List<Long> sweepValues() {
        return List.of(2L, 12L, 48L);
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int guests = (int) parameters.getLong(GUESTS);
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        for (int domid = 1; domid <= guests; domid++) {
            machine.bootGuest(domid, 1L << 20);
        }
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            List<DomainInfo> domains = expect("list domains", xl::listDomains);
            check(domains.size() == guests + 1, "xl listed " + domains.size() + " domains, Xen has " + (guests + 1));
            for (int i = 0; i < domains.size(); i++) {
                check(domains.get(i).domain() == i, "domain list out of order at " + i + ": " + domains.get(i).domain());
            }
        }
    }
}
