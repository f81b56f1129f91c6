package org.xencommlab.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * The hypercall entry as a trust boundary: random hypercalls from random callers against a booted
 * hypervisor with dom0 and one guest never throw, return a result or a Xen errno, and when they fail
 * they change neither heap usage nor frame ownership; the accounting always recounts exactly.
 */
final class HypervisorEntryProperties {
    private static final int PAGE = 4096;
    private static final int MEMORY_OPS = HypercallNumber.ARCH_0;

    record Call(int domid, int vcpu, long op, long[] args) {
        @Override
        public String toString() {
            return "d" + domid + "v" + vcpu + " " + HypercallNumber.name(op) + java.util.Arrays.toString(args);
        }
    }

    record Snapshot(long free, Map<Integer, Long> heap, long heapTotal, long owned0, long owned1, long tot0, long tot1,
            long pinned0, long pinned1) {}

    /**
     * A testing stand-in for the memory operations, on the domain methods memory_op will use:
     * {@code (cmd, gfn, order)}: 0 populate, 1 decrease, 2 increase, 3 pin and charge, 4 unpin and
     * release.
     */
    private static HypercallHandler memoryOps(TestingMachine[] machine) {
        return (c, a) -> {
            Domain d = machine[0].domains.lookup(c.domid());
            int order = (int) Math.max(-1, Math.min(a[2], 64));
            switch ((int) a[0]) {
                case 0 -> d.populatePhysmap(a[1], order);
                case 1 -> d.decreaseReservation(a[1], order);
                case 2 -> {
                    return d.increaseReservation(order).gfn();
                }
                case 3 -> {
                    if (!c.heap().tryCharge(64)) {
                        return XenErrno.ENOMEM.asResult();
                    }
                    if (!c.pinFrame(a[1])) {
                        c.heap().release(64);
                        return XenErrno.EFAULT.asResult();
                    }
                }
                case 4 -> {
                    if (d.pinsOn(a[1]) == 0) {
                        throw new XenException(XenErrno.ENOENT, "not pinned");
                    }
                    c.unpinFrame(a[1]);
                    c.heap().release(64);
                }
                default -> {
                    return XenErrno.ENOSYS.asResult();
                }
            }
            return 0;
        };
    }

    private static TestingMachine boot() {
        TestingMachine[] holder = new TestingMachine[1];
        HypervisorConfig config = HypervisorConfig.defaults().withMachineMemoryBytes(512L * PAGE)
                .withXenHeap(4096, 2048).withPreemptionPolls(2).withConsole(128, 4096, 64)
                .withConsoleAccess(HypervisorConfig.ConsoleAccess.OPEN);
        holder[0] = new TestingMachine(config, new TestingGuestHandleResolver(256), Map.of(MEMORY_OPS, memoryOps(holder)));
        holder[0].hypervisor.createDomain(DomainSpec.dom0(64L * PAGE).withVcpus(2));
        holder[0].hypervisor.createDomain(DomainSpec.guest(1, 32L * PAGE).withMaxMemoryBytes(128L * PAGE));
        holder[0].console.feedInput(0, "input".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return holder[0];
    }

    private static Snapshot snapshot(TestingMachine m) {
        return new Snapshot(m.machine.freeFrames(), m.heap.usage(), m.heap.used(), m.machine.countOwnedBy(0),
                m.machine.countOwnedBy(1), m.domains.lookup(0).totPages(), m.domains.lookup(1).totPages(),
                m.domains.lookup(0).pinnedFrames(), m.domains.lookup(1).pinnedFrames());
    }

    @Property(tries = 200)
    void entryNeverThrowsAndFailuresChangeNothing(@ForAll("calls") List<Call> calls) {
        TestingMachine m = boot();
        for (Call call : calls) {
            Snapshot before = snapshot(m);
            long result = m.entry.hypercall(call.domid(), call.vcpu(), call.op(), call.args());
            Statistics.label("outcome").collect(HypercallNumber.name(call.op()) + " "
                    + (result >= 0 ? "ok" : XenErrno.describeResult(result)));
            assertThat(result >= 0 || XenErrno.fromResult(result).isPresent())
                    .as("result %d of %s", result, call).isTrue();
            if (result < 0) {
                assertThat(snapshot(m)).as("state after failed %s", call).isEqualTo(before);
            }
            assertThat(m.hypervisor.audit()).isEmpty();
        }
        assertThat(m.entry.containedFailures()).isZero();
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("xen_version ok").count(n -> n > 0);
            coverage.check("console_io ok").count(n -> n > 0);
            coverage.check("console_io -EFAULT").count(n -> n > 0);
            coverage.check("arch_0 ok").count(n -> n > 0);
            coverage.check("arch_0 -ENOENT").count(n -> n > 0);
            coverage.check("arch_0 -ENOMEM").count(n -> n > 0);
        });
        m.hypervisor.destroyDomain(1);
        m.hypervisor.destroyDomain(0);
        assertThat(m.machine.allocatedFrames()).isZero();
        assertThat(m.heap.used()).isZero();
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        Arbitrary<Integer> domids = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of(0, 1)),
                Tuple.of(1, Arbitraries.integers())).withoutEdgeCases();
        Arbitrary<Integer> vcpus = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of(0, 1)),
                Tuple.of(1, Arbitraries.integers())).withoutEdgeCases();
        Arbitrary<Long> wild = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.longs().between(-2, 10)),
                Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 1L << 32, (long) Integer.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs()));
        // Addresses around both domains' last pages and page boundaries, and beyond them.
        Arbitrary<Long> addresses = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(0, 70L * PAGE)),
                Tuple.of(3, Arbitraries.integers().between(1, 70).flatMap(
                        page -> Arbitraries.longs().between(page * (long) PAGE - 300, page * (long) PAGE + 20))),
                Tuple.of(1, wild));
        Arbitrary<long[]> xenVersion = Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(0L, 1L, 7L)), Tuple.of(1, wild)), addresses)
                .as((cmd, handle) -> new long[] {cmd, handle});
        Arbitrary<long[]> consoleIo = Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(0L, 1L)), Tuple.of(1, wild)),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(0, 700)), Tuple.of(1, wild)),
                addresses,
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0L)), Tuple.of(1, addresses)))
                .as((cmd, count, handle, offset) -> new long[] {cmd, count, handle, offset});
        Arbitrary<long[]> memoryOps = Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(0, 4)), Tuple.of(1, wild)),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(0, 3)),
                        Tuple.of(3, Arbitraries.longs().between(0, 140)), Tuple.of(1, wild)),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(0, 3)), Tuple.of(1, wild)))
                .as((cmd, gfn, order) -> new long[] {cmd, gfn, order});
        Arbitrary<Call> structured = Arbitraries.oneOf(
                Combinators.combine(domids, vcpus, xenVersion).as((d, v, a) -> new Call(d, v, HypercallNumber.XEN_VERSION, a)),
                Combinators.combine(domids, vcpus, consoleIo).as((d, v, a) -> new Call(d, v, HypercallNumber.CONSOLE_IO, a)),
                Combinators.combine(domids, vcpus, memoryOps).as((d, v, a) -> new Call(d, v, MEMORY_OPS, a)))
                .withoutEdgeCases();
        Arbitrary<Long> ops = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of((long) HypercallNumber.XEN_VERSION, (long) HypercallNumber.CONSOLE_IO, (long) MEMORY_OPS)),
                Tuple.of(1, Arbitraries.longs().between(-2, 70)),
                Tuple.of(1, Arbitraries.longs()));
        Arbitrary<Call> random = Combinators.combine(domids, vcpus, ops,
                Arbitraries.oneOf(wild, addresses).array(long[].class).ofMaxSize(6)).as(Call::new);
        return Arbitraries.frequencyOf(Tuple.of(4, structured), Tuple.of(1, random)).list().ofMinSize(1).ofMaxSize(12);
    }
}
