package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.util.List;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.machine.facade.Machine;

/**
 * The mail's Problem #3: a tool lists the domains (sysctl getdomaininfolist) but cannot know how
 * many there are, so it cannot size its buffer up front: it guesses, and asks again with more room.
 *
 * <p>At its defaults the guess is one page (32 records of 104 bytes and the sysctl header) and
 * there are 41 domains: the second call asks for 64 records, which no longer fit, so a pointer-form
 * tool re-makes its hypercall buffer larger (on ppc in registration mode: unregisters it and
 * registers a two-page one), which the report counts as a retry; an embedded-form tool splits the
 * second call across blocks instead. The sweep goes from a list that fits the guess (16 domains)
 * to one that needs the buffer re-made twice (100).
 */
final class UnknownSizeScenario implements Scenario {
    static final String GUESTS = "domains";
    static final String FIRST_ROOM = "first-room";

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
        return List.of(ParameterSpec.number(GUESTS, 40, 0, 500, "guest domains besides dom0"),
                ParameterSpec.number(FIRST_ROOM, 32, 1, Dom0Tools.MAX_DOMAIN_ROOM,
                        "domain records the tool's first call has room for (32: a one-page buffer); it doubles the room"
                                + " each time an answer fills it"));
    }

    @Override
    public String sizeParameter() {
        return GUESTS;
    }

    @Override
    public List<Long> sweepValues() {
        return List.of(16L, 40L, 100L);
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int guests = (int) parameters.getLong(GUESTS);
        int firstRoom = (int) parameters.getLong(FIRST_ROOM);
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        for (int domid = 1; domid <= guests; domid++) {
            machine.bootGuest(domid, 1L << 20);
        }
        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"))) {
            List<DomainInfo> domains = expect("list domains", () -> xl.listDomains(firstRoom));
            check(domains.size() == guests + 1, "xl listed " + domains.size() + " domains, Xen has " + (guests + 1));
            for (int i = 0; i < domains.size(); i++) {
                check(domains.get(i).domain() == i, "domain list out of order at " + i + ": " + domains.get(i).domain());
            }
        }
    }
}
