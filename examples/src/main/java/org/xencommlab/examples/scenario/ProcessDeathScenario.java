package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;

import java.util.List;
import java.util.SplittableRandom;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.machine.facade.Machine;

/**
 * The mail's Problem #4: tools are killed in the middle of their work, at a seeded scheduling
 * point each, holding whatever they made reachable (locked pages, registrations, device pages).
 * The kernel must give it all back; what is left behind once every process is gone is a leak.
 */
final class ProcessDeathScenario implements Scenario {
    static final String TOOLS = "doomed-tools";
    static final String CALLS = "calls-per-tool";

    @Override
    public String name() {
        return "process-death";
    }

    @Override
    public String summary() {
        return "Problem #4: tools are killed mid-call; whatever they registered or locked must be released";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(TOOLS, 6, 1, 100, "tools killed"),
                ParameterSpec.number(CALLS, 6, 1, 100, "calls each tool tries before it is killed"));
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        int tools = (int) parameters.getLong(TOOLS);
        int calls = (int) parameters.getLong(CALLS);
        GuestKernel dom0 = machine.bootDom0(Workloads.DOM0_BYTES);
        SplittableRandom random = new SplittableRandom(machine.seed());
        // A tool that lives through it all sets up whatever the kernel keeps for every tool (a
        // device area, say); what is held after its first call is the baseline.
        Dom0Tools survivor = machine.tools(machine.startTool(dom0, "xl"));
        Workloads.expect("xl console write", () -> survivor.writeConsole(Workloads.text("xl", 0, 64)));
        long registrationsBefore = machine.metrics().current(Gauge.REGISTRATIONS_LIVE);
        long lockedBefore = machine.metrics().current(Gauge.LOCKED_PAGES);
        long pinnedBefore = machine.metrics().current(Gauge.PINNED_FRAMES);
        long deviceBefore = machine.metrics().current(Gauge.DEVICE_BYTES_USED);
        long heapBefore = machine.hypervisor().heap().used();
        for (int t = 0; t < tools; t++) {
            XcHandle handle = machine.startTool(dom0, "tool" + t);
            Dom0Tools tool = machine.tools(handle);
            machine.scheduler().killAtPoint(machine.scheduler().pointsReached() + 1 + random.nextInt(8 * calls),
                    handle.process());
            try {
                for (int call = 0; call < calls && handle.process().isAlive(); call++) {
                    byte[] bytes = Workloads.text("tool" + t, call, 200 + 300 * (call % 3));
                    tool.writeConsole(bytes);
                }
            } catch (XenException e) {
                if (e.errno() != XenErrno.ESRCH) {
                    throw new WorkloadFailure("tool" + t + " failed before it was killed: -" + e.errno().name(), e.errno());
                }
            }
            handle.process().kill(); // a tool that outlived its calls dies here, holding its buffers
        }
        long registrations = machine.metrics().current(Gauge.REGISTRATIONS_LIVE) - registrationsBefore;
        long locked = machine.metrics().current(Gauge.LOCKED_PAGES) - lockedBefore;
        long pinned = machine.metrics().current(Gauge.PINNED_FRAMES) - pinnedBefore;
        long device = machine.metrics().current(Gauge.DEVICE_BYTES_USED) - deviceBefore;
        long heap = machine.hypervisor().heap().used() - heapBefore;
        // The survivor ends as a well-behaved tool does: it frees its buffers and exits. So what is
        // left at the end of the run is exactly what the killed tools left, and the report's
        // "Leaked" counts agree with this check's numbers.
        survivor.close();
        survivor.handle().close();
        survivor.handle().process().exit();
        check(registrations == 0 && locked == 0 && pinned == 0 && device == 0 && heap == 0, "dead tools left "
                + registrations + " registrations, " + locked + " locked pages, " + pinned + " pinned frames, "
                + device + " device bytes and " + heap + " Xen heap bytes behind");
    }
}
