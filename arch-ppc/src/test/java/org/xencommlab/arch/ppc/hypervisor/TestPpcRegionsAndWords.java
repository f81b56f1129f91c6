package org.xencommlab.arch.ppc.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationOp;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.testkit.hypervisor.TestingHeapAccount;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.testkit.trace.TestingTrace;

/** The hypervisor side's regions, its registration words and its domain state at the edges of what they accept. */
final class TestPpcRegionsAndWords {
    private static final int PAGE = 4096;
    private final RunMetrics metrics = new RunMetrics();
    private final TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(0, new PageSize(PAGE), 8);
    private final RegistrationTable table = new RegistrationTable(0, 4,
            new TestingHeapAccount(new TestingHeapAccount.Budget(1 << 20), 1 << 20), metrics, new TestingTrace());

    @Test
    void aRegisteredRegionCountsEachStepOrDefersThemAllToClose() {
        long bufid = table.register(new long[] {2, 5}, gfn -> true, gfn -> {});
        RegisteredGuestRegion region = new RegisteredGuestRegion(table, table.lookup(bufid), PpcMemref.withOffset(bufid, 16), memory, metrics);
        assertThat(region.translate(0)).isEqualTo(2L * PAGE + 16);
        assertThat(region.translate(PAGE)).isEqualTo(5L * PAGE + 16);
        assertThat(region.translate(2 * PAGE - 17)).isEqualTo(5L * PAGE + PAGE - 1);
        assertThat(region.translate(2 * PAGE - 16)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(region.translate(-1)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(5);
        region.deferCountsUntilClose();
        region.translate(0);
        region.translate(1);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).as("deferred").isEqualTo(5);
        region.close();
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(7);
        region.translate(0);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).as("counted at once again after close").isEqualTo(8);
    }

    @Test
    void aRegionCountsNothingWhenClosedWithoutSteps() {
        long bufid = table.register(new long[] {2}, gfn -> true, gfn -> {});
        RegisteredGuestRegion region = new RegisteredGuestRegion(table, table.lookup(bufid), bufid, memory, metrics);
        region.deferCountsUntilClose();
        region.close();
        assertThat(metrics.counted()).doesNotContain(Counter.TRANSLATION_STEPS);
    }

    @Test
    void aRegionOfAnUnregisteredBufferOrAFrameNoLongerRamFaults() {
        long bufid = table.register(new long[] {2, 3}, gfn -> true, gfn -> {});
        RegisteredGuestRegion region = new RegisteredGuestRegion(table, table.lookup(bufid), bufid, memory, metrics);
        memory.removeRam(3);
        assertThat(region.translate(0)).isEqualTo(2L * PAGE);
        assertThat(region.translate(PAGE)).isEqualTo(XenErrno.EFAULT.asResult());
        table.unregister(bufid, gfn -> {});
        assertThat(region.translate(0)).isEqualTo(XenErrno.EFAULT.asResult());
    }

    @Test
    void anInlineRegionStartsAtPhysicalZero() {
        InlineGuestRegion region = new InlineGuestRegion(memory, 0);
        assertThat(region.translate(0)).isZero();
        assertThat(region.translate(-1)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(new InlineGuestRegion(memory, Long.MAX_VALUE).translate(1)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(region.translate(8L * PAGE)).as("past the domain's RAM").isEqualTo(XenErrno.EFAULT.asResult());
    }

    @Test
    void theRegistrationHypercallReadsAbsentWordsAsZero() {
        TestingMachine machine = new TestingMachine(PpcConfig.defaults());
        machine.createDomain(0, 64, 1 << 20);
        RegistrationHypercall handler = new RegistrationHypercall(table);
        assertThat(handler.handle(machine.context(0), new long[0])).as("no sub-op at all").isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(handler.handle(machine.context(0), new long[] {RegistrationOp.REGISTER, PpcMemref.inline(0)}))
                .as("no count is a count of 0").isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(handler.handle(machine.context(0), new long[] {RegistrationOp.REGISTER, PpcMemref.inline(0), PpcMemref.MAX_BUFFER_PAGES}))
                .as("the largest count is accepted: a bufid").isPositive();
        assertThat(handler.handle(machine.context(0), new long[] {RegistrationOp.REGISTER, PpcMemref.inline(0), PpcMemref.MAX_BUFFER_PAGES + 1L}))
                .isEqualTo(XenErrno.E2BIG.asResult());
        assertThat(handler.handle(machine.context(0), new long[] {RegistrationOp.UNREGISTER})).isEqualTo(XenErrno.EINVAL.asResult());
    }

    @Test
    void theDomainStateAuditsItsTableAndAdvancesToTheEdges() {
        TestingMachine machine = new TestingMachine(PpcConfig.defaults());
        TestingDomain domain = machine.createDomain(0, 64, 1 << 20);
        PpcGuestHandleResolver.PpcDomainState state = domain.archState();
        assertThat(state.audit()).isEmpty();
        long bufid = state.registrationTable().register(new long[] {1}, gfn -> true, gfn -> {});
        assertThat(state.audit()).isEmpty();
        long before = machine.metrics().get(Counter.TRANSLATION_STEPS);
        state.open(machine.context(0), new MemoryReference(bufid), org.xencommlab.api.xencomm.GuestAccessKind.READ);
        assertThat(machine.metrics().get(Counter.TRANSLATION_STEPS)).as("the lookup is a step").isEqualTo(before + 1);

        long address = 0x1000;
        assertThat(state.advance(machine.context(0), new MemoryReference(PpcMemref.inline(address)), Long.MAX_VALUE - address).value())
                .isEqualTo(PpcMemref.inline(Long.MAX_VALUE));
        assertThatThrownBy(() -> state.advance(machine.context(0), new MemoryReference(PpcMemref.inline(address)), Long.MAX_VALUE - address + 1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));
        long at = PpcMemref.withOffset(bufid, 16);
        assertThat(state.advance(machine.context(0), new MemoryReference(at), PpcMemref.OFFSET_MASK - 16).value())
                .isEqualTo(bufid | PpcMemref.OFFSET_MASK);
        assertThatThrownBy(() -> state.advance(machine.context(0), new MemoryReference(at), PpcMemref.OFFSET_MASK - 15))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));
        assertThat(machine.resolver().accessOk(new MemoryReference(PpcMemref.inline(0)), 0, 1)).isTrue();

        TestingMachine descriptor = new TestingMachine(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR));
        assertThat(descriptor.createDomain(0, 64, 1 << 20).archState().audit()).isEmpty();
    }
}
