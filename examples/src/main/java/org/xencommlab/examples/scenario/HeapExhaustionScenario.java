package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.machine.facade.Machine;

/**
 * A greedy process in an unprivileged guest makes hypercall buffers until something says no (the
 * Xen heap quota or the registration table on ppc, the locked-memory limit on x86); dom0's tools
 * and the other guests must not notice.
 */
final class HeapExhaustionScenario implements Scenario {
    static final String ATTEMPTS = "attempts";
    static final String QUOTA = "quota-bytes";

    @Override
    public String name() {
        return "heap-exhaustion";
    }

    @Override
    public String summary() {
        return "a guest makes buffers until its quota says no; dom0 and the other guests are unaffected";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(ATTEMPTS, 200, 1, 4096, "buffers the greedy process tries to make"),
                ParameterSpec.number(QUOTA, 4096, 1024, 1L << 30, "each domain's Xen heap quota in bytes"));
    }

    @Override
    public MachineSettings machineSettings(Parameters parameters) {
        long quota = parameters.getLong(QUOTA);
        // Guest 2 writes the console to show it is unaffected: Xen allows a domU's console write
        // only when built with CONFIG_VERBOSE_DEBUG (a release build refuses it with -EPERM).
        return new MachineSettings(HypervisorConfig.defaults().withXenHeap(quota * 8, quota)
                .withConsoleAccess(HypervisorConfig.ConsoleAccess.VERBOSE_DEBUG),
                GuestConfig.defaults().withMlockLimitPages(64));
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int buffers = (int) parameters.getLong(ATTEMPTS);
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        GuestKernel greedyGuest = machine.bootGuest(1, Workloads.GUEST_BYTES);
        GuestKernel otherGuest = machine.bootGuest(2, Workloads.GUEST_BYTES);
        XcHandle greedy = machine.startTool(greedyGuest, "greedy");
        long[] before = held(machine);
        int made = 0;
        String refusal = "nothing";
        for (; made < buffers; made++) {
            try {
                greedy.allocBuf(1);
            } catch (XenException e) {
                refusal = "-" + e.errno().name();
                break;
            }
        }
        String greedyDid = "the greedy guest made " + made + " buffers (then " + refusal + ")";
        machine.trace().event(TraceKind.PROCESS, 1, () -> greedyDid);
        long quotaBytes = machine.hypervisor().heap().domainQuota();
        check(machine.hypervisor().heap().usedBy(1) <= quotaBytes, greedyDid + " and holds "
                + machine.hypervisor().heap().usedBy(1) + " Xen heap bytes, over its quota of " + quotaBytes);

        try (Dom0Tools xl = machine.tools(machine.startTool(dom0, "xl"));
                Dom0Tools other = machine.tools(machine.startTool(otherGuest, "console"))) {
            byte[] fromDom0 = Workloads.text("xl", 0, 300);
            expect("dom0 console write after " + greedyDid, () -> xl.writeConsole(fromDom0));
            check(Arrays.equals(machine.hypervisor().console().output(0), fromDom0), "dom0's console write was damaged");
            List<DomainInfo> domains = expect("dom0 list domains after " + greedyDid, xl::listDomains);
            check(domains.size() == 3, "dom0 listed " + domains.size() + " domains, Xen has 3");
            byte[] fromOther = Workloads.text("guest2", 0, 300);
            expect("guest 2 console write after " + greedyDid, () -> other.writeConsole(fromOther));
            check(Arrays.equals(machine.hypervisor().console().output(2), fromOther), "guest 2's console write was damaged");
        }
        // The greedy process dies holding everything it made; its kernel must give all of it back.
        greedy.process().kill();
        long[] after = held(machine);
        check(Arrays.equals(before, after), "the greedy process was killed holding " + made + " buffers, which left "
                + (after[0] - before[0]) + " registrations, " + (after[1] - before[1]) + " Xen heap bytes, "
                + (after[2] - before[2]) + " pinned frames and " + (after[3] - before[3]) + " locked pages behind");
    }

    /** Registrations, Xen heap bytes, pinned frames and locked pages held now, less kernels' long-lived reservations. */
    private static long[] held(Machine machine) {
        Gauge[] gauges = {Gauge.REGISTRATIONS_LIVE, Gauge.XEN_HEAP_BYTES, Gauge.PINNED_FRAMES, Gauge.LOCKED_PAGES};
        long[] levels = new long[gauges.length];
        for (int i = 0; i < gauges.length; i++) {
            levels[i] = machine.metrics().current(gauges[i]) - machine.metrics().reserved(gauges[i]);
        }
        return levels;
    }
}
