package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.RunEnvironment;

/**
 * Issue 4's property on a wired ppc machine: any sequence of register / alloc+copy / unregister /
 * kill operations from several processes in two domains, with forged references mixed in, never
 * lets a domain reach memory it does not own, never exceeds a quota, keeps every table recountable,
 * and leaves no registration, pin or heap byte behind once every process has exited.
 */
final class PpcRegistrationSequencesProperties {
    private static final int TOOLS_PER_DOMAIN = 2;

    /** One step: what, by which tool (0..3: domain = tool / 2), and a size or index. */
    record Step(int kind, int tool, int arg) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = net.jqwik.api.Combinators.combine(
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 63))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 60)
    void registrationsStayInsideTheirDomainAndNothingIsLeftBehind(@ForAll("steps") List<Step> steps) {
        // Domain 1's tools write the console too: a Xen built with CONFIG_VERBOSE_DEBUG allows that.
        Machine machine = WiredMachines.machine("ppc", Map.of("max-registrations", "6"), RunEnvironment.defaults(17)
                .withHypervisor(HypervisorConfig.defaults().withConsoleAccess(HypervisorConfig.ConsoleAccess.VERBOSE_DEBUG)));
        GuestKernel[] kernels = {machine.bootDom0(16L << 20), machine.bootGuest(1, 8L << 20)};
        Hypervisor xen = machine.hypervisor();
        long[] heapAtBoot = {xen.heap().usedBy(0), xen.heap().usedBy(1)};
        XcHandle[] tools = new XcHandle[2 * TOOLS_PER_DOMAIN];
        List<List<HypercallBuffer>> buffers = new ArrayList<>();
        for (int t = 0; t < tools.length; t++) {
            tools[t] = machine.startTool(kernels[t / TOOLS_PER_DOMAIN], "tool" + t);
            buffers.add(new ArrayList<>());
        }
        List<Long> everyReference = new ArrayList<>();
        long[] consoleBytes = new long[2];

        for (Step step : steps) {
            int domid = step.tool() / TOOLS_PER_DOMAIN;
            XcHandle tool = tools[step.tool()];
            List<HypercallBuffer> mine = buffers.get(step.tool());
            try {
                switch (step.kind()) {
                    case 0 -> mine.add(tool.allocBuf(1 + step.arg() % 4));
                    case 1 -> {
                        if (!mine.isEmpty()) {
                            HypercallBuffer buffer = mine.get(step.arg() % mine.size());
                            int length = (int) Math.min(buffer.remaining(), 1 + step.arg() * 97L);
                            if (length > 0) {
                                BufferSlice slice = tool.allocMem(buffer, length);
                                everyReference.add(slice.reference().value());
                                byte[] bytes = new byte[length];
                                Arrays.fill(bytes, (byte) (domid + 'A'));
                                long result = WiredMachines.consoleWrite(tool, slice, bytes);
                                assertThat(result).as("a domain's own registered buffer").isZero();
                                consoleBytes[domid] += length;
                            }
                        }
                    }
                    case 2 -> {
                        if (!mine.isEmpty()) {
                            tool.freeBuf(mine.remove(step.arg() % mine.size()));
                        }
                    }
                    case 3 -> {
                        tool.process().kill();
                        mine.clear();
                        tools[step.tool()] = machine.startTool(kernels[domid], "tool" + step.tool() + "'");
                    }
                    default -> {
                        if (!everyReference.isEmpty()) {
                            // A reference made anywhere, maybe in the other domain, maybe freed since.
                            long forged = everyReference.get(step.arg() % everyReference.size()) + step.arg();
                            long before = xen.console().bytesWritten(domid);
                            long result = xen.gate().hypercall(domid, 0, HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 16, forged);
                            if (result == 0) {
                                consoleBytes[domid] += 16;
                            } else {
                                assertThat(xen.console().bytesWritten(domid)).isEqualTo(before);
                            }
                        }
                    }
                }
            } catch (XenException refused) {
                // ENOSPC (table full, alloc_mem past the end), ENOMEM (quota), ESRCH (killed): refusals, not damage
            }
            assertThat(xen.audit()).isEmpty();
            for (int d = 0; d < 2; d++) {
                assertThat(xen.heap().usedBy(d)).isLessThanOrEqualTo(xen.heap().domainQuota());
                byte[] console = xen.console().output(d);
                byte other = (byte) ((1 - d) + 'A');
                for (byte b : console) {
                    assertThat(b).as("domain %d's console never holds a byte of the other domain's buffers", d).isNotEqualTo(other);
                }
            }
        }
        for (XcHandle tool : tools) {
            tool.process().kill();
        }
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isZero();
        assertThat(machine.metrics().current(Gauge.PINNED_FRAMES)).isZero();
        // What stays is each registration table's one leaf (1024 bytes), kept while its domain lives.
        assertThat(xen.heap().usedBy(0)).isIn(heapAtBoot[0], heapAtBoot[0] + 1024);
        assertThat(xen.heap().usedBy(1)).isIn(heapAtBoot[1], heapAtBoot[1] + 1024);
        assertThat(xen.audit()).isEmpty();
    }
}
