package org.xencommlab.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * The new handlers as a trust boundary, in both argument forms: well-formed requests placed by the
 * strategy, then hostile bytes written over what was placed (random embedded blocks, torn
 * structures) and hostile argument words. No call throws; every result is a count or a Xen errno;
 * a refusal (a negative result, or a reservation call that did no extent) changes neither frames,
 * reservations, pins nor heap; the accounting always recounts exactly.
 */
final class HandlerArgumentsProperties {
    private static final int PAGE = 4096;

    /** One hostile call: a request, bytes to overwrite in what was placed, argument words to replace. */
    record Call(int domid, HypercallRequest<?> request, List<int[]> pokes, List<long[]> words) {
        @Override
        public String toString() {
            return "d" + domid + " " + request + " pokes=" + pokes.stream().map(p -> p[0] + "=" + p[1]).toList()
                    + " words=" + words.stream().map(w -> w[0] + "=0x" + Long.toHexString(w[1])).toList();
        }
    }

    record Snapshot(long free, long heap, long tot0, long tot1, long max0, long max1, long pinned0, long pinned1) {}

    private static Snapshot snapshot(TestingMachine m) {
        return new Snapshot(m.machine.freeFrames(), m.heap.used(), m.domains.lookup(0).totPages(), m.domains.lookup(1).totPages(),
                m.domains.lookup(0).maxPages(), m.domains.lookup(1).maxPages(), m.domains.lookup(0).pinnedFrames(),
                m.domains.lookup(1).pinnedFrames());
    }

    @Property(tries = 150)
    void hostileArgumentsNeverThrowAndRefusalsChangeNothing(@ForAll boolean embedded, @ForAll("calls") List<Call> calls) {
        ArgumentStrategy strategy = embedded ? TestingGuestCalls.embedded(512) : TestingGuestCalls.strategies().get(0);
        HypervisorConfig config = HypervisorConfig.defaults().withMachineMemoryBytes(300L * PAGE).withPreemptionPolls(2)
                .withXenHeap(8192, 2048);
        TestingMachine m = new TestingMachine(config, new TestingGuestHandleResolver(256), strategy, java.util.Map.of());
        m.hypervisor.createDomain(new DomainSpec(0, true, 1, 64L * PAGE, 128L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, 32L * PAGE).withMaxMemoryBytes(64L * PAGE));
        m.domains.lookup(1).pinFrame(20);
        for (Call call : calls) {
            TestingPlacement placement = new TestingPlacement(m.entry.physicalMemory(call.domid()), PAGE, 8L * PAGE);
            PreparedCall<?> prepared;
            long[] args;
            try {
                prepared = strategy.prepare(placement, call.request());
                byte[] one = new byte[1];
                for (int[] poke : call.pokes()) {
                    one[0] = (byte) poke[1];
                    long at = PAGE + (placement.used() == 0 ? 0 : poke[0] % placement.used());
                    m.entry.physicalMemory(call.domid()).write(at, one, 0, 1);
                }
                args = prepared.args();
                for (long[] word : call.words()) {
                    args[(int) word[0] % args.length] = word[1];
                }
            } catch (XenException e) {
                // The guest could not place it (too big for a block, or its own window was ballooned away).
                Statistics.label("outcome").collect("not placed");
                continue;
            }
            Snapshot before = snapshot(m);
            long result = m.entry.hypercall(call.domid(), 0, prepared.op(), args);
            String name = HypercallNumber.name(prepared.op());
            Statistics.label("outcome").collect(name + " " + (result >= 0 ? "ok" : XenErrno.describeResult(result)));
            assertThat(result >= 0 || XenErrno.fromResult(result).isPresent()).as("result %d of %s", result, call).isTrue();
            boolean noReservationWork = prepared.op() == HypercallNumber.MEMORY_OP
                    && result == MemoryOpCommand.decode(args[0]).startExtent();
            if ((result < 0 && prepared.op() != HypercallNumber.MULTICALL) || noReservationWork) {
                assertThat(snapshot(m)).as("state after refused %s", call).isEqualTo(before);
            }
            try {
                prepared.complete(result);
            } catch (XenException e) {
                // The guest's own window was ballooned away by an earlier call: its read faults.
            }
            assertThat(m.hypervisor.audit()).isEmpty();
        }
        assertThat(m.entry.containedFailures()).isZero();
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("memory_op ok").count(n -> n > 0);
            coverage.check("multicall ok").count(n -> n > 0);
            coverage.check("sysctl ok").count(n -> n > 0);
            coverage.check("dm_op ok").count(n -> n > 0);
            coverage.check("dm_op -EINVAL").count(n -> n > 0);
        });
        m.domains.lookup(1).unpinFrame(20);
        m.hypervisor.destroyDomain(1);
        m.hypervisor.destroyDomain(0);
        assertThat(m.machine.allocatedFrames()).isZero();
        assertThat(m.heap.used()).isZero();
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        Arbitrary<Integer> domids = Arbitraries.of(0, 0, 1, ReservationRequest.DOMID_SELF, 2, 0xFFFF);
        Arbitrary<long[]> gfns = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(0, 140)),
                Tuple.of(1, Arbitraries.of(-1L, 1L << 40, Long.MIN_VALUE)))
                .list().ofMaxSize(12).map(l -> l.stream().mapToLong(Long::longValue).toArray());
        Arbitrary<HypercallRequest<?>> reservation = Combinators.combine(
                Arbitraries.of(0, 1, 6), gfns, Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.integers().between(0, 2)),
                        Tuple.of(1, Arbitraries.of(9, 10, 19, -1))), domids)
                .as((op, g, order, domid) -> new ReservationRequest(op, g, order, 0, domid));
        Arbitrary<HypercallRequest<?>> domainList = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 6)).as(GetDomainInfoListRequest::new);
        Arbitrary<ModifiedMemoryExtent> extent = Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.integers().between(0, 12)), Tuple.of(1, Arbitraries.integers())),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(0, 60)), Tuple.of(1, Arbitraries.longs())))
                .as(ModifiedMemoryExtent::new);
        Arbitrary<HypercallRequest<?>> dmOp = Combinators.combine(Arbitraries.of(1, 1, 1, 0, 7), extent.list().ofMaxSize(6))
                .as((domid, extents) -> new ModifiedMemoryRequest(domid, extents));
        Arbitrary<HypercallRequest<?>> plain = Arbitraries.of(PlainCall.of(HypercallNumber.XEN_VERSION, 0),
                PlainCall.of(HypercallNumber.MULTICALL, 0, 0), PlainCall.of(99, 1));
        Arbitrary<HypercallRequest<?>> single = Arbitraries.oneOf(reservation, domainList, dmOp, plain);
        Arbitrary<HypercallRequest<?>> multicall = single.list().ofMaxSize(4).map(list -> new MulticallRequest(new ArrayList<>(list)));
        Arbitrary<HypercallRequest<?>> requests = Arbitraries.frequencyOf(
                Tuple.of(3, reservation), Tuple.of(2, multicall), Tuple.of(1, domainList), Tuple.of(2, dmOp));
        Arbitrary<int[]> poke = Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 255)).as((at, value) -> new int[] {at, value});
        Arbitrary<long[]> word = Combinators.combine(Arbitraries.longs().between(0, 4),
                Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.longs().between(0, 10)),
                        Tuple.of(1, Arbitraries.of(-1L, 1L << 40, Long.MIN_VALUE, (long) PAGE)),
                        Tuple.of(1, Arbitraries.longs())))
                .as((index, value) -> new long[] {index, value});
        Arbitrary<Call> call = Combinators.combine(Arbitraries.of(0, 0, 1), requests,
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<int[]>of())), Tuple.of(2, poke.list().ofMaxSize(4))),
                Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(List.<long[]>of())), Tuple.of(1, word.list().ofMaxSize(2))))
                .as(Call::new);
        return call.list().ofMinSize(1).ofMaxSize(10);
    }
}
