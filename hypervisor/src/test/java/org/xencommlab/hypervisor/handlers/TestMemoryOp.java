package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.memory.ReservationBlock;
import org.xencommlab.api.abi.memory.ReservationLimits;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps.MemoryOp;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestCalls;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.TestingPlacement;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainSpec;

/** memory_op in both argument forms: frames really move, Xen's partial counts, continuations. */
final class TestMemoryOp {
    private static final int PAGE = 4096;
    private static final int SELF = ReservationRequest.DOMID_SELF;
    /** A domain's argument window: its first 16 pages, but for page 0 (a reference 0 is NULL). */
    private static final long WINDOW = 16L * PAGE;

    private TestingMachine m;

    static List<ArgumentStrategy> strategies() {
        return TestingGuestCalls.strategies();
    }

    private TestingMachine boot(ArgumentStrategy strategy, HypervisorConfig config) {
        m = new TestingMachine(config, strategy);
        m.hypervisor.createDomain(new DomainSpec(0, true, 1, 256L * PAGE, 512L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, 64L * PAGE).withMaxMemoryBytes(128L * PAGE));
        return m;
    }

    private TestingMachine boot(ArgumentStrategy strategy) {
        return boot(strategy, HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20));
    }

    private TestingGuestCalls guest(int domid) {
        return new TestingGuestCalls(m, domid, new TestingPlacement(m.entry.physicalMemory(domid), PAGE, WINDOW - PAGE));
    }

    @AfterEach
    void auditIsExact() {
        if (m != null) {
            assertThat(m.hypervisor.audit()).isEmpty();
            assertThat(m.entry.containedFailures()).isZero();
        }
    }

    private static long[] range(long from, int n) {
        return LongStream.range(from, from + n).toArray();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void decreaseScrubsAndFreesPopulateAndIncreaseGiveFramesBack(ArgumentStrategy strategy) {
        boot(strategy);
        TestingGuestCalls dom0 = guest(0);
        Domain d0 = m.domains.lookup(0);
        byte[] secret = "secret".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        m.entry.physicalMemory(0).write(100L * PAGE, secret, 0, secret.length);
        long free = m.machine.freeFrames();
        long scrubbed = m.machine.scrubbedFrames();

        ReservationOutcome down = dom0.issue(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(100, 8), 0, 0, SELF));
        assertThat(down.result()).isEqualTo(8);
        assertThat(d0.totPages()).isEqualTo(248);
        assertThat(d0.isRam(100)).isFalse();
        assertThat(m.machine.freeFrames()).isEqualTo(free + 8);
        assertThat(m.machine.scrubbedFrames()).isEqualTo(scrubbed + 8);

        ReservationOutcome up = dom0.issue(new ReservationRequest(MemoryOp.POPULATE_PHYSMAP, range(100, 4), 0, 0, 0));
        assertThat(up.result()).isEqualTo(4);
        byte[] read = new byte[secret.length];
        m.entry.physicalMemory(0).read(100L * PAGE, read, 0, read.length);
        assertThat(read).as("a new frame reads as zero").containsOnly(0);

        ReservationOutcome grown = dom0.issue(ReservationRequest.increase(2, 1, SELF));
        assertThat(grown.result()).isEqualTo(2);
        assertThat(grown.extents()).as("a translated domain: nothing written back").containsExactly(0, 0);
        assertThat(d0.totPages()).isEqualTo(256);
        assertThat(d0.unmappedFrames()).as("allocated, in no p2m entry").isEqualTo(4);
        assertThat(d0.isRam(104)).isFalse();
        assertThat(m.metrics.get(Counter.EXTENTS_DONE)).isEqualTo(14);
        assertThat(m.machine.freeFrames()).isEqualTo(free);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void theReservationAndMachineMemoryBoundTheWorkAndTheCountSaysHowFarItGot(ArgumentStrategy strategy) {
        boot(strategy);
        Domain d1 = m.domains.lookup(1);
        ReservationOutcome out = guest(1).issue(ReservationRequest.increase(100, 0, SELF));
        assertThat(out.result()).as("max_pages 128, 64 held").isEqualTo(64);
        assertThat(d1.totPages()).isEqualTo(128);

        // Machine memory: a machine of 450 frames, dom0 holds 256, dom1 64; dom0 may grow to 512.
        boot(strategy, HypervisorConfig.defaults().withMachineMemoryBytes(450L * PAGE));
        long free = m.machine.freeFrames();
        ReservationOutcome starved = guest(0).issue(ReservationRequest.increase(300, 0, SELF));
        assertThat(starved.result()).isEqualTo(free);
        assertThat(m.machine.freeFrames()).isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aFailingExtentStopsTheOperationAndNothingOfItStaysChanged(ArgumentStrategy strategy) {
        boot(strategy);
        TestingGuestCalls dom0 = guest(0);
        Domain d0 = m.domains.lookup(0);
        assertThat(d0.pinFrame(102)).isTrue();
        ReservationOutcome pinned = dom0.issue(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(100, 5), 0, 0, SELF));
        assertThat(pinned.result()).as("gfn 102 is pinned").isEqualTo(2);
        assertThat(d0.isRam(102)).isTrue();
        assertThat(d0.isRam(103)).isTrue();
        d0.unpinFrame(102);

        ReservationOutcome unpopulated = dom0.issue(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, new long[] {102, 100, 103}, 0, 0, SELF));
        assertThat(unpopulated.result()).as("gfn 100 was given back already").isEqualTo(1);

        ReservationOutcome populated = dom0.issue(new ReservationRequest(MemoryOp.POPULATE_PHYSMAP, new long[] {100, 5}, 0, 0, SELF));
        assertThat(populated.result()).as("gfn 5 is populated").isEqualTo(1);

        ReservationOutcome outside = dom0.issue(new ReservationRequest(MemoryOp.POPULATE_PHYSMAP, new long[] {101, 512, -1L}, 0, 0, SELF));
        assertThat(outside.result()).as("gfn 512 is beyond the physmap").isEqualTo(1);
        assertThat(d0.totPages()).isEqualTo(256 - 2 - 1 + 1 + 1);
        assertThat(m.metrics.get(Counter.EXTENTS_DONE)).isEqualTo(2 + 1 + 1 + 1);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void domidsAreCheckedAsXenChecksThemAndRefusalsReturnStartExtent(ArgumentStrategy strategy) {
        boot(strategy);
        Domain d1 = m.domains.lookup(1);
        assertThat(guest(0).issue(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(10, 3), 0, 0, 1)).result())
                .as("the control domain may balloon another domain").isEqualTo(3);
        assertThat(d1.totPages()).isEqualTo(61);
        assertThat(guest(1).issue(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(0, 3), 0, 0, 0)).result())
                .as("a guest may not touch dom0").isZero();
        assertThat(guest(1).issue(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(20, 1), 0, 0, 1)).result())
                .as("its own id is itself").isEqualTo(1);
        assertThat(guest(0).issue(ReservationRequest.increase(3, 0, 7)).result()).as("no domain 7").isZero();
        assertThat(guest(0).issue(ReservationRequest.increase(3, 0, 0x7FF1)).result()).as("a reserved id").isZero();
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(256);
        assertThat(d1.totPages()).isEqualTo(60);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void extentOrdersAboveMaxOrderAreRefusedWhole(ArgumentStrategy strategy) {
        boot(strategy);
        assertThat(guest(1).issue(ReservationRequest.increase(1, 9, SELF)).result())
                .as("order 9 is allowed but does not fit the reservation").isZero();
        assertThat(guest(1).issue(ReservationRequest.increase(1, 10, SELF)).result()).isZero();
        assertThat(guest(0).issue(ReservationRequest.increase(1, 8, SELF)).result()).isEqualTo(1);
        assertThat(guest(0).issue(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, new long[] {0}, 20, 0, SELF)).result())
                .isZero();
        assertThat(guest(0).issue(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, new long[] {0}, -1, 0, SELF)).result())
                .as("an order is unsigned").isZero();
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(512);
    }

    /**
     * xen/common/memory.c max_order(): the control domain may use orders up to
     * CONFIG_CTLDOM_MAX_ORDER (18 on x86), a domU up to 9; the limit is the caller's.
     */
    @ParameterizedTest
    @MethodSource("strategies")
    void theControlDomainMayUseLargerOrders(ArgumentStrategy strategy) {
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20), strategy);
        m.hypervisor.createDomain(new DomainSpec(0, true, 1, 256L * PAGE, 4096L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, 64L * PAGE).withMaxMemoryBytes(4096L * PAGE));
        assertThat(guest(0).issue(ReservationRequest.increase(1, 10, SELF)).result()).as("order 10 for dom0").isEqualTo(1);
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(256 + 1024);
        assertThat(guest(0).issue(ReservationRequest.increase(1, 19, SELF)).result()).as("beyond 18").isZero();
        assertThat(guest(1).issue(ReservationRequest.increase(1, 10, SELF)).result()).as("a domU: at most 9").isZero();
        assertThat(guest(0).issue(ReservationRequest.increase(1, 10, 1)).result())
                .as("dom0 for domain 1: the caller's limit counts").isEqualTo(1);
        assertThat(m.domains.lookup(1).totPages()).isEqualTo(64 + 1024);
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20).withMaxOrders(9, 9), strategy);
        m.hypervisor.createDomain(new DomainSpec(0, true, 1, 256L * PAGE, 4096L * PAGE));
        assertThat(guest(0).issue(ReservationRequest.increase(1, 10, SELF)).result()).as("memop-max-order=9,9").isZero();
    }

    /** Issues {@code request}'s words with {@code start_extent} set and returns the result. */
    private long withStart(TestingGuestCalls guest, ReservationRequest request, long startExtent) {
        PreparedCall<ReservationOutcome> call = guest.prepare(request);
        long[] args = call.args();
        args[0] = new MemoryOpCommand(MemoryOpCommand.decode(args[0]).op(), startExtent).encode();
        return m.entry.hypercall(0, 0, call.op(), args);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void startExtentResumesExactlyAndAStartPastTheEndIsReturned(ArgumentStrategy strategy) {
        boot(strategy);
        TestingGuestCalls dom0 = guest(0);
        Domain d0 = m.domains.lookup(0);
        ReservationRequest decrease = new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(100, 6), 0, 0, SELF);
        assertThat(withStart(dom0, decrease, 4)).isEqualTo(6);
        assertThat(d0.isRam(103)).isTrue();
        assertThat(d0.isRam(104)).isFalse();
        assertThat(d0.isRam(105)).isFalse();
        assertThat(withStart(dom0, decrease, 6)).as("start == nr_extents").isEqualTo(6);
        assertThat(withStart(dom0, decrease, 1000)).isEqualTo(1000);
        assertThat(withStart(dom0, decrease, (1L << 58) - 1)).isEqualTo((1L << 58) - 1);
        assertThat(d0.totPages()).isEqualTo(254);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void nrExtentsBeyondWhatAContinuationEncodesIsRefused(ArgumentStrategy strategy) {
        boot(strategy);
        TestingGuestCalls dom0 = guest(0);
        PreparedCall<ReservationOutcome> call = dom0.prepare(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(100, 2), 0, 0, SELF));
        long[] args = call.args();
        byte[] field = new byte[8];
        LittleEndian.putU64(field, 0, ReservationLimits.MAX_NR_EXTENTS + 1);
        long offset = strategy.form() == AbiForm.POINTER ? MemoryReservation.NR_EXTENTS_OFFSET : ReservationBlock.NR_EXTENTS_OFFSET;
        TestingPlacement.write(m.entry.physicalMemory(0), args[1] + offset, field, 0, 8);
        assertThat(m.entry.hypercall(0, 0, call.op(), args)).isZero();
        LittleEndian.putU64(field, 0, -1L);
        TestingPlacement.write(m.entry.physicalMemory(0), args[1] + offset, field, 0, 8);
        args[0] = new MemoryOpCommand(MemoryOp.DECREASE_RESERVATION, 3).encode();
        assertThat(m.entry.hypercall(0, 0, call.op(), args)).isEqualTo(3);
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(256);
    }

    @Test
    void truncatedOversizedAndForeignEmbeddedBlocksAreRefused() {
        boot(TestingGuestCalls.embedded());
        TestingGuestCalls dom0 = guest(0);
        PreparedCall<ReservationOutcome> call = dom0.prepare(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(100, 2), 0, 0, SELF));
        long[] args = call.args();
        byte[] word = new byte[4];
        for (long length : new long[] {ReservationBlock.EXTENTS_OFFSET + 8, 4096 + 8, 8, 0xFFFF_FFFFL}) {
            LittleEndian.putU32(word, 0, length);
            TestingPlacement.write(m.entry.physicalMemory(0), args[1] + EmbeddedBlockHeader.LENGTH_OFFSET, word, 0, 4);
            assertThat(m.entry.hypercall(0, 0, call.op(), args)).as("header length %d", length).isZero();
        }
        LittleEndian.putU32(word, 0, ReservationBlock.EXTENTS_OFFSET + 16);
        TestingPlacement.write(m.entry.physicalMemory(0), args[1] + EmbeddedBlockHeader.LENGTH_OFFSET, word, 0, 4);
        LittleEndian.putU32(word, 0, 0x12345678);
        TestingPlacement.write(m.entry.physicalMemory(0), args[1] + EmbeddedBlockHeader.MAGIC_OFFSET, word, 0, 4);
        assertThat(m.entry.hypercall(0, 0, call.op(), args)).as("bad magic").isZero();
        long[] end = {args[0], 256L * PAGE - 20};
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.MEMORY_OP, end)).as("a block running off the domain's memory").isZero();
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(256);
    }

    @Test
    void aFaultOnTheExtentArrayStopsWithTheCountDoneAndAnIncreaseThatCannotReportIsUndone() {
        // The lab's own variant: the only one that gives an extent back when its write faults.
        boot(TestingGuestCalls.strategies().get(0), HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20)
                .withIncreaseReservation(HypervisorConfig.IncreaseReservation.LAB_MAPPED));
        Domain d0 = m.domains.lookup(0);
        byte[] extents = new byte[3 * 8];
        for (int i = 0; i < 3; i++) {
            LittleEndian.putU64(extents, i * 8, 100 + i);
        }
        // The array's third element lies in gfn 256, which dom0 does not hold.
        long array = 256L * PAGE - 16;
        TestingPlacement.write(m.entry.physicalMemory(0), array, extents, 0, 16);
        TestingPlacement.write(m.entry.physicalMemory(0), 0, new MemoryReservation(array, 3, 0, 0, SELF).encodePointer(), 0, 32);
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.MEMORY_OP, MemoryOp.DECREASE_RESERVATION, 0)).isEqualTo(2);
        assertThat(d0.totPages()).isEqualTo(254);
        // Now an array whose third element is beyond the physmap (gfn 511 made RAM for the first two).
        d0.populatePhysmap(511, 0);
        long last = 512L * PAGE - 16;
        TestingPlacement.write(m.entry.physicalMemory(0), 0, new MemoryReservation(last, 3, 0, 0, SELF).encodePointer(), 0, 32);
        long free = m.machine.freeFrames();
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.MEMORY_OP, MemoryOp.INCREASE_RESERVATION, 0)).isEqualTo(2);
        assertThat(d0.totPages()).as("the third extent was allocated, could not be reported, and was given back").isEqualTo(257);
        assertThat(m.machine.freeFrames()).isEqualTo(free - 2);
        byte[] got = new byte[16];
        m.entry.physicalMemory(0).read(last, got, 0, 16);
        assertThat(new long[] {LittleEndian.u64(got, 0), LittleEndian.u64(got, 8)}).containsExactly(100, 101);
        TestingPlacement.write(m.entry.physicalMemory(0), 0, new MemoryReservation(0, 3, 0, 0, SELF).encodePointer(), 0, 32);
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.MEMORY_OP, MemoryOp.INCREASE_RESERVATION, 0))
                .as("a NULL extent_start: frames allocated, nothing written").isEqualTo(3);
        assertThat(d0.totPages()).isEqualTo(260);
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.MEMORY_OP, MemoryOp.INCREASE_RESERVATION, 1L << 40)).isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void reservationQueriesReadADomidT(ArgumentStrategy strategy) {
        boot(strategy);
        byte[] domid = new byte[2];
        for (int[] q : new int[][] {{0, SELF}, {1, SELF}, {0, 1}}) {
            LittleEndian.putU16(domid, 0, q[1]);
            m.entry.physicalMemory(q[0]).write(0, domid, 0, 2);
            Domain target = m.domains.lookup(q[1] == SELF ? q[0] : q[1]);
            assertThat(m.entry.hypercall(q[0], 0, HypercallNumber.MEMORY_OP, MemoryOp.CURRENT_RESERVATION, 0)).isEqualTo(target.totPages());
            assertThat(m.entry.hypercall(q[0], 0, HypercallNumber.MEMORY_OP, MemoryOp.MAXIMUM_RESERVATION, 0)).isEqualTo(target.maxPages());
        }
        LittleEndian.putU16(domid, 0, 0);
        m.entry.physicalMemory(1).write(0, domid, 0, 2);
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.MEMORY_OP, MemoryOp.CURRENT_RESERVATION, 0)).isEqualTo(XenErrno.EPERM.asResult());
        LittleEndian.putU16(domid, 0, 9);
        m.entry.physicalMemory(1).write(0, domid, 0, 2);
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.MEMORY_OP, MemoryOp.CURRENT_RESERVATION, 0)).isEqualTo(XenErrno.ESRCH.asResult());
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.MEMORY_OP, MemoryOp.CURRENT_RESERVATION, 1L << 40)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.MEMORY_OP, MemoryOp.CURRENT_RESERVATION | (1 << 6), 0)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.MEMORY_OP, MemoryOp.EXCHANGE, 0)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.MEMORY_OP, 63, 0)).isEqualTo(XenErrno.ENOSYS.asResult());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aLongRequestIsContinuedAndResumesExactlyWhereItStopped(ArgumentStrategy strategy) {
        boot(strategy, HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20).withPreemptionPolls(3));
        TestingGuestCalls dom0 = guest(0);
        List<ReservationOutcome> outs = dom0.issueSplit(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, range(16, 200), 0, 0, SELF));
        assertThat(outs.stream().mapToLong(ReservationOutcome::result).sum()).isEqualTo(200);
        // Each entry does 4 extents (the first, then 3 polls that answer false); 200 extents need 50 entries.
        assertThat(m.metrics.get(Counter.HYPERVISOR_ENTRIES)).isEqualTo(50);
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isEqualTo(49);
        assertThat(m.metrics.get(Counter.EXTENTS_DONE)).isEqualTo(200);
        assertThat(m.trace.events(org.xencommlab.api.trace.TraceKind.CONTINUATION).get(0).detail())
                .startsWith("memory_op(0x" + Long.toHexString(MemoryOp.DECREASE_RESERVATION | (4 << 6)) + ", ");
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(56);
    }

    /** A balloon of 100,000 pages out and back, through continuations; the caller splits as the strategy says. */
    @ParameterizedTest
    @MethodSource("strategies")
    void aBalloonOfOneHundredThousandPagesCompletesThroughContinuations(ArgumentStrategy strategy) {
        int pages = 100_000;
        long window = 1024;
        // LAB_MAPPED: the balloon takes its frames back by increase_reservation and needs them mapped.
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes((pages + 2048L) * PAGE)
                .withIncreaseReservation(HypervisorConfig.IncreaseReservation.LAB_MAPPED), strategy);
        m.hypervisor.createDomain(DomainSpec.dom0((pages + window) * PAGE));
        TestingGuestCalls dom0 = new TestingGuestCalls(m, 0, new TestingPlacement(m.entry.physicalMemory(0), PAGE, (window - 1) * PAGE));
        Domain d0 = m.domains.lookup(0);
        long free = m.machine.freeFrames();
        long[] gfns = range(window, pages);

        long done = 0;
        for (ReservationOutcome out : dom0.issueSplit(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, gfns, 0, 0, SELF))) {
            done += out.result();
        }
        assertThat(done).isEqualTo(pages);
        assertThat(d0.totPages()).isEqualTo(window);
        assertThat(m.machine.freeFrames()).isEqualTo(free + pages);

        long[] given = new long[pages];
        int at = 0;
        for (ReservationOutcome out : dom0.issueSplit(ReservationRequest.increase(pages, 0, SELF))) {
            long[] extents = out.extents();
            System.arraycopy(extents, 0, given, at, extents.length);
            at += extents.length;
        }
        assertThat(at).isEqualTo(pages);
        assertThat(given).as("the balloon got back the frames it gave").isEqualTo(gfns);
        assertThat(d0.totPages()).isEqualTo(pages + window);

        long hypercalls = m.metrics.get(Counter.HYPERCALLS);
        assertThat(hypercalls).isEqualTo(strategy.form() == AbiForm.POINTER ? 2 : 2L * ((pages + 506) / 507));
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isGreaterThan(2L * pages / 65 - hypercalls);
        assertThat(m.metrics.get(Counter.EXTENTS_DONE)).isEqualTo(2L * pages);
        assertThat(m.metrics.get(Counter.HYPERVISOR_ENTRIES)).isEqualTo(hypercalls + m.metrics.get(Counter.CONTINUATIONS));
    }

    /**
     * xen/common/memory.c increase_reservation: for a paging_mode_translate domain Xen allocates
     * the extent to the domain and neither maps it nor writes anything to extent_start. The frames
     * count in tot_pages against max_pages, and are freed when the domain is destroyed.
     */
    @ParameterizedTest
    @MethodSource("strategies")
    void increaseOnATranslatedDomainAllocatesWithoutMappingOrWritingBack(ArgumentStrategy strategy) {
        assertThat(HypervisorConfig.defaults().increaseReservation()).isEqualTo(HypervisorConfig.IncreaseReservation.TRANSLATED);
        boot(strategy);
        Domain d1 = m.domains.lookup(1);
        long free = m.machine.freeFrames();
        long sentinel = 0x5A5A;
        ReservationOutcome out = guest(1).issue(new ReservationRequest(MemoryOp.INCREASE_RESERVATION,
                new long[] {sentinel, sentinel, sentinel}, 1, 0, SELF));
        assertThat(out.result()).isEqualTo(3);
        assertThat(out.extents()).as("extent_start is not written").containsOnly(sentinel);
        assertThat(d1.totPages()).isEqualTo(70);
        assertThat(d1.countPopulated()).as("nothing entered in the p2m").isEqualTo(64);
        assertThat(d1.unmappedFrames()).isEqualTo(6);
        assertThat(m.hypervisor.framesOwnedBy(1)).isEqualTo(70);
        assertThat(LongStream.range(64, 128).filter(d1::isRam)).isEmpty();
        assertThat(guest(1).issue(ReservationRequest.increase(100, 0, SELF)).result())
                .as("unmapped frames count against max_pages 128").isEqualTo(58);
        assertThat(m.hypervisor.audit()).isEmpty();

        assertThat(m.hypervisor.destroyDomain(1)).isTrue();
        assertThat(m.machine.freeFrames()).as("every frame of d1 freed, mapped or not").isEqualTo(free + 64);
        assertThat(m.hypervisor.framesOwnedBy(1)).isZero();
    }

    /** Xen for a PV domain: the extent's first machine frame is written back; the frames are not mapped. */
    @ParameterizedTest
    @MethodSource("strategies")
    void increaseOnAPvDomainWritesTheFirstMachineFrameBack(ArgumentStrategy strategy) {
        boot(strategy, HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20)
                .withIncreaseReservation(HypervisorConfig.IncreaseReservation.PV));
        Domain d1 = m.domains.lookup(1);
        ReservationOutcome out = guest(1).issue(ReservationRequest.increase(2, 2, SELF));
        assertThat(out.result()).isEqualTo(2);
        for (long mfn : out.extents()) {
            assertThat(mfn % 4).as("an order-2 extent is aligned").isZero();
            assertThat(LongStream.range(mfn, mfn + 4).map(f -> m.machine.owner((int) f))).containsOnly(1L);
        }
        assertThat(out.extents()[1]).isNotEqualTo(out.extents()[0]);
        assertThat(d1.countPopulated()).isEqualTo(64);
        assertThat(d1.unmappedFrames()).isEqualTo(8);
        assertThat(d1.totPages()).isEqualTo(72);
    }

    /** Xen for a PV domain: a fault writing the frame back stops the call; the extent stays allocated, uncounted. */
    @Test
    void aPvIncreaseWhoseWriteBackFaultsKeepsTheExtent() {
        boot(TestingGuestCalls.strategies().get(0), HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20)
                .withIncreaseReservation(HypervisorConfig.IncreaseReservation.PV));
        Domain d0 = m.domains.lookup(0);
        // The array's third element lies in gfn 256, which dom0 does not hold.
        long array = 256L * PAGE - 16;
        TestingPlacement.write(m.entry.physicalMemory(0), 0, new MemoryReservation(array, 3, 0, 0, SELF).encodePointer(), 0, 32);
        long free = m.machine.freeFrames();
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.MEMORY_OP, MemoryOp.INCREASE_RESERVATION, 0)).isEqualTo(2);
        assertThat(d0.totPages()).as("the third extent was allocated and kept").isEqualTo(259);
        assertThat(d0.unmappedFrames()).isEqualTo(3);
        assertThat(m.machine.freeFrames()).isEqualTo(free - 3);
    }
}
