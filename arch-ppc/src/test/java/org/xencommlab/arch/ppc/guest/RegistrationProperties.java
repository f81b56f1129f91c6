package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.BufferRegistration;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;
import org.xencommlab.arch.ppc.testing.TestingRegistrar;

/**
 * Register / alloc / copy / free / kill from several processes in two domains, with forged and
 * foreign references mixed in: no domain ever reaches a frame it does not hold, a copy through a
 * live reference reaches exactly the tool's bytes, no quota is exceeded, the tables' accounting
 * recounts, and once every process has exited no registration, charge or pin is left.
 */
final class RegistrationProperties {
    private static final int DOMAINS = 2;
    private static final int SLOTS = 2;
    private static final long QUOTA = 3 * RegistrationTable.chargeFor(4);

    /** One step: what, which domain/process slot, which buffer, a size, a raw word. */
    record Step(int kind, int slot, int buffer, int size, long raw) {}

    private static final class Tool {
        TestingProcess process;
        PpcBufferApi api;
        final List<HypercallBuffer> buffers = new ArrayList<>();
    }

    @Property(tries = 80)
    void sequencesNeverCrossDomainsNorExceedQuotasAndLeaveNothingBehind(@ForAll @Size(max = 40) List<@net.jqwik.api.From("steps") Step> steps) {
        TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMaxRegistrations(5));
        PpcGuestXencomm xencomm = new PpcGuestXencomm(machine.config());
        TestingKernel[] kernels = new TestingKernel[DOMAINS];
        Tool[] tools = new Tool[DOMAINS * SLOTS];
        for (int d = 0; d < DOMAINS; d++) {
            TestingDomain domain = machine.createDomain(d, 256, QUOTA);
            kernels[d] = new TestingKernel(machine, domain, 100 + d);
        }
        for (int t = 0; t < tools.length; t++) {
            tools[t] = new Tool();
            respawn(tools[t], kernels[t / SLOTS], xencomm);
        }
        for (Step step : steps) {
            Tool tool = tools[step.slot()];
            int domid = step.slot() / SLOTS;
            switch (step.kind()) {
                case 0 -> attempt(() -> tool.buffers.add(tool.api.allocBuf(step.size() % 4 + 1)));
                case 1 -> copyThrough(machine, tool, domid, step);
                case 2 -> {
                    if (!tool.buffers.isEmpty()) {
                        HypercallBuffer buffer = tool.buffers.remove(step.buffer() % tool.buffers.size());
                        tool.api.freeBuf(buffer);
                        assertThat(TestingRegistrar.copyFrom(machine, domid, buffer.id(), 0, 1)).isNull();
                    }
                }
                case 3 -> {
                    tool.process.exit();
                    respawn(tool, kernels[domid], xencomm);
                }
                case 4 -> forged(machine, domid, step.raw());
                case 5 -> foreign(machine, domid, tools);
                default -> {
                    if (!tool.buffers.isEmpty()) {
                        int index = step.buffer() % tool.buffers.size();
                        attempt(() -> tool.buffers.set(index, tool.api.grow(tool.buffers.get(index), step.size())));
                    }
                }
            }
            checkInvariants(machine);
        }
        for (Tool tool : tools) {
            tool.process.exit();
        }
        checkInvariants(machine);
        for (int d = 0; d < DOMAINS; d++) {
            TestingDomain domain = machine.domain(d);
            assertThat(table(domain).liveCount()).isZero();
            assertThat(domain.heap().used()).isZero();
            assertThat(domain.totalPins()).isZero();
            assertThat(kernels[d].userFrames()).isZero();
            assertThat(kernels[d].outstandingBlocks()).isZero();
        }
    }

    private static void respawn(Tool tool, TestingKernel kernel, PpcGuestXencomm xencomm) {
        tool.process = kernel.spawn();
        tool.api = PpcStates.process(xencomm, tool.process).openUserBuffers();
        tool.buffers.clear();
    }

    private static void copyThrough(TestingMachine machine, Tool tool, int domid, Step step) {
        if (tool.buffers.isEmpty()) {
            return;
        }
        HypercallBuffer buffer = tool.buffers.get(step.buffer() % tool.buffers.size());
        BufferSlice slice;
        try {
            slice = buffer.allocMem(step.size());
        } catch (XenException e) {
            buffer.reset();
            return;
        }
        byte[] content = TestingRegistrar.pattern(step.size(), slice.length());
        tool.process.writeMemory(slice.userAddress(), content, 0, content.length);
        long ref = slice.length() == 0 ? 0 : slice.reference().value();
        assertThat(TestingRegistrar.copyFrom(machine, domid, ref, 0, slice.length())).isEqualTo(content);
        byte[] reply = TestingRegistrar.pattern(step.size() + 1, slice.length());
        assertThat(TestingRegistrar.copyTo(machine, domid, ref, 0, reply)).isZero();
        byte[] seen = new byte[slice.length()];
        tool.process.readMemory(slice.userAddress(), seen, 0, seen.length);
        assertThat(seen).isEqualTo(reply);
    }

    private static void forged(TestingMachine machine, int domid, long raw) {
        byte[] dst = new byte[64];
        machine.context(domid).guest().copyFromGuest(dst, 0, new MemoryReference(raw), 0, dst.length);
        machine.context(domid).guest().copyToGuest(new MemoryReference(raw), raw & 0xFFF, dst, 0, dst.length);
        TestingRegistrar.unregister(machine, domid, raw);
    }

    // Another domain's live bufid, used here: it names nothing of theirs (a bufid is looked up only
    // in the caller's table), and the owner's registration is untouched.
    private static void foreign(TestingMachine machine, int domid, Tool[] tools) {
        int other = (domid + 1) % DOMAINS;
        List<BufferRegistration> theirs = table(machine.domain(other)).liveRegistrations();
        if (theirs.isEmpty()) {
            return;
        }
        long bufid = theirs.get(0).bufid();
        boolean mine = table(machine.domain(domid)).liveRegistrations().stream().anyMatch(r -> r.bufid() == bufid);
        if (!mine) {
            assertThat(TestingRegistrar.copyFrom(machine, domid, bufid, 0, 8)).isNull();
            assertThat(TestingRegistrar.unregister(machine, domid, bufid)).isNegative();
        }
        assertThat(table(machine.domain(other)).liveRegistrations()).contains(theirs.get(0));
    }

    private static void checkInvariants(TestingMachine machine) {
        assertThat(machine.foreignReaches()).isZero();
        for (int d = 0; d < DOMAINS; d++) {
            TestingDomain domain = machine.domain(d);
            RegistrationTable table = table(domain);
            assertThat(domain.heap().used()).isLessThanOrEqualTo(domain.heap().quota());
            assertThat(table.heapCharged()).isEqualTo(table.recountHeapBytes()).isEqualTo(domain.heap().used());
            long pinned = table.liveRegistrations().stream().mapToLong(BufferRegistration::nrPages).sum();
            assertThat(domain.totalPins()).isEqualTo(pinned);
            for (BufferRegistration registration : table.liveRegistrations()) {
                for (long gfn : registration.gfns()) {
                    assertThat(domain.memory().isRam(gfn)).isTrue();
                }
            }
        }
    }

    private static void attempt(Runnable action) {
        try {
            action.run();
        } catch (XenException e) {
            // ENOSPC, ENOMEM, E2BIG: the tool sees the errno; the invariants say nothing changed.
        }
    }

    private static RegistrationTable table(TestingDomain domain) {
        return domain.archState().registrationTable();
    }

    @Provide
    Arbitrary<Step> steps() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().between(0, DOMAINS * SLOTS - 1),
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.integers().between(0, 3 * 4096),
                        Arbitraries.oneOf(Arbitraries.longs(),
                                Combinators.combine(Arbitraries.integers().between(1, 3),
                                                Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 5000))
                                        .as((g, i, o) -> PpcMemref.bufid(g, i) | o)))
                .as(Step::new);
    }
}
