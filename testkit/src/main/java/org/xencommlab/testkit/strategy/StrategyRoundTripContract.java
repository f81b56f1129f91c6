package org.xencommlab.testkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.console.ConsoleReadOutcome;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOutcome;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallOutcome;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.DomainInfoListOutcome;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.testkit.errno.XenErrors;
import org.xencommlab.testkit.memory.TestingGuestMemory;

/**
 * The round-trip contract of an {@link ArgumentStrategy}, for every hypercall of the ABI: what the
 * guest side of a strategy encodes, the same strategy's hypervisor side decodes to the same
 * request; what the hypervisor writes back, the guest reads back; a split request joins back to
 * the whole; a continuation resumes exactly where the handler stopped. It runs through an
 * in-memory guest ({@link TestingGuestMemory}), so it needs nothing but the strategy.
 *
 * <p>A strategy module runs it against itself in a few lines:
 * <pre>{@code
 * final class PointerRoundTripProperties extends StrategyRoundTripContract {
 *     @Override
 *     protected List<ArgumentStrategy> strategiesUnderTest() {
 *         return List.of(new PointerStrategy());
 *     }
 * }
 * }</pre>
 */
public abstract class StrategyRoundTripContract {
    /** The strategies under test: the module's strategy in each configuration worth checking. */
    protected abstract List<ArgumentStrategy> strategiesUnderTest();

    /**
     * The strategies whose one call holds a multicall of up to four entries with a reservation of
     * 8 extents and 40 bytes of console text (a strategy with a small block maximum splits
     * nothing, and so cannot); all of {@link #strategiesUnderTest()} by default.
     */
    protected List<ArgumentStrategy> strategiesHoldingASmallMulticall() {
        return strategiesUnderTest();
    }

    @Provide
    Arbitrary<ArgumentStrategy> strategies() {
        return Arbitraries.of(strategiesUnderTest());
    }

    @Provide
    Arbitrary<ArgumentStrategy> roomyStrategies() {
        return Arbitraries.of(strategiesHoldingASmallMulticall());
    }

    @Provide
    Arbitrary<ReservationRequest> reservations() {
        return Arbitraries.of(0, 1, 6).flatMap(op -> Arbitraries.longs().array(long[].class).ofMinSize(1).ofMaxSize(1500)
                .flatMap(extents -> Arbitraries.integers().between(0, 9)
                        .map(order -> new ReservationRequest(op, extents, order, 0, ReservationRequest.DOMID_SELF))));
    }

    @Property(tries = 60)
    public void aReservationRoundTrips(@ForAll("strategies") ArgumentStrategy strategy, @ForAll("reservations") ReservationRequest request,
            @ForAll @IntRange(max = 2000) int doneLimit) {
        TestingGuestMemory memory = new TestingGuestMemory();
        List<HypercallRequest<ReservationOutcome>> parts = strategy.split(request);
        long[] joined = parts.stream().flatMapToLong(p -> Arrays.stream(((ReservationRequest) p).extents())).toArray();
        assertThat(joined).isEqualTo(request.extents());
        for (HypercallRequest<ReservationOutcome> part : parts) {
            ReservationRequest r = (ReservationRequest) part;
            PreparedCall<ReservationOutcome> call = strategy.prepare(memory, r);
            assertThat(call.op()).isEqualTo(HypercallNumber.MEMORY_OP);
            ReservationArguments args = strategy.decode(ReservationArguments.KIND, memory, call.args());
            assertThat(args.command()).isEqualTo(new MemoryOpCommand(r.op(), 0));
            assertThat(args.reservation().nrExtents()).isEqualTo(r.nrExtents());
            assertThat(args.reservation().extentOrder()).isEqualTo(r.extentOrder());
            assertThat(args.reservation().domid()).isEqualTo(r.domid());
            int done = Math.min(doneLimit, r.nrExtents());
            for (int i = 0; i < r.nrExtents(); i++) {
                assertThat(args.readExtent(i)).isEqualTo(r.extents()[i]);
            }
            for (int i = 0; i < done; i++) {
                args.writeExtent(i, ~r.extents()[i]);
            }
            assertThat(XenErrors.errnoOf(() -> args.readExtent(r.nrExtents()))).isEqualTo(XenErrno.EINVAL);
            ReservationOutcome outcome = call.complete(done);
            assertThat(outcome.result()).isEqualTo(done);
            assertThat(outcome.extents()).isEqualTo(Arrays.stream(Arrays.copyOf(r.extents(), done)).map(x -> ~x).toArray());
            if (done < r.nrExtents()) {
                // The continuation resumes exactly where the handler stopped.
                ReservationArguments resumed = strategy.decode(ReservationArguments.KIND, memory, args.continuationArgs(done));
                assertThat(resumed.command().startExtent()).isEqualTo(done);
                assertThat(resumed.readExtent(done)).isEqualTo(r.extents()[done]);
            }
            assertThat(call.complete(-14).extents()).isEmpty();
        }
    }

    @Property(tries = 60)
    public void aMulticallRoundTrips(@ForAll("roomyStrategies") ArgumentStrategy strategy, @ForAll @Size(max = 8) long[] extents,
            @ForAll @Size(max = 40) byte[] text) {
        TestingGuestMemory memory = new TestingGuestMemory();
        List<HypercallRequest<?>> calls = new ArrayList<>();
        calls.add(PlainCall.of(HypercallNumber.XEN_VERSION, SubOps.XenVersion.VERSION, 0));
        if (extents.length > 0) {
            calls.add(new ReservationRequest(SubOps.MemoryOp.POPULATE_PHYSMAP, extents, 0, 0, ReservationRequest.DOMID_SELF));
        }
        calls.add(new ConsoleWriteRequest(text));
        calls.add(MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION)));
        PreparedCall<MulticallOutcome> call = strategy.prepare(memory, new MulticallRequest(calls));

        MulticallArguments list = strategy.decode(MulticallArguments.KIND, memory, call.args());
        assertThat(list.nrCalls()).isEqualTo(calls.size());
        assertThat(list.start()).isZero();
        List<Long> results = new ArrayList<>();
        for (int i = 0; i < list.nrCalls(); i++) {
            MulticallEntry entry = list.readEntry(i);
            long[] sub = Arrays.copyOf(entry.args(), 5);
            long result;
            if (entry.isNested()) {
                result = XenErrno.EINVAL.asResult();
            } else if (entry.op() == HypercallNumber.MEMORY_OP) {
                ReservationArguments r = strategy.decode(ReservationArguments.KIND, memory, sub);
                for (long j = 0; j < r.reservation().nrExtents(); j++) {
                    r.writeExtent(j, r.readExtent(j) + 1);
                }
                result = r.reservation().nrExtents();
            } else if (entry.op() == HypercallNumber.CONSOLE_IO) {
                ConsoleIoArguments io = strategy.decode(ConsoleIoArguments.KIND, memory, sub);
                byte[] got = new byte[(int) io.count()];
                io.copyIn(0, got, 0, got.length);
                assertThat(got).isEqualTo(text);
                result = 0;
            } else {
                assertThat(entry.op()).isEqualTo(HypercallNumber.XEN_VERSION);
                result = 0x4_0011;
            }
            list.writeResult(i, result);
            results.add(result);
        }
        MulticallOutcome outcome = call.complete(0);
        assertThat(outcome.entries()).extracting(MulticallOutcome.Entry::result).containsExactlyElementsOf(results);
        assertThat(outcome.entries().get(0).outcome()).isEqualTo(0x4_0011L);
        if (extents.length > 0) {
            ReservationOutcome populated = (ReservationOutcome) outcome.entries().get(1).outcome();
            assertThat(populated.extents()).isEqualTo(Arrays.stream(extents).map(x -> x + 1).toArray());
        }
        assertThat(outcome.entries().get(calls.size() - 1).result()).isEqualTo(-22);
        assertThat(list.continuationArgs(2)[2]).isEqualTo(2);
        assertThat(strategy.decode(MulticallArguments.KIND, memory, list.continuationArgs(2)).start()).isEqualTo(2);
    }

    @Property(tries = 60)
    public void aConsoleWriteRoundTripsThroughChunksAndContinuations(@ForAll("strategies") ArgumentStrategy strategy,
            @ForAll @Size(max = 3000) byte[] text) {
        TestingGuestMemory memory = new TestingGuestMemory();
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        for (HypercallRequest<Long> part : strategy.split(new ConsoleWriteRequest(text))) {
            PreparedCall<Long> call = strategy.prepare(memory, part);
            long[] args = call.args();
            byte[] chunk = new byte[ConsoleIo.WRITE_CHUNK];
            ConsoleIoArguments io = strategy.decode(ConsoleIoArguments.KIND, memory, args);
            // One chunk per entry: every entry after the first is a continuation.
            while (io.done() < io.count()) {
                int n = (int) Math.min(chunk.length, io.count() - io.done());
                io.copyIn(io.done(), chunk, 0, n);
                console.write(chunk, 0, n);
                io = strategy.decode(ConsoleIoArguments.KIND, memory, io.continuationArgs(io.done() + n));
            }
            assertThat(call.complete(0)).isZero();
        }
        assertThat(console.toByteArray()).isEqualTo(text);
    }

    @Property(tries = 60)
    public void aConsoleReadRoundTrips(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @IntRange(max = 200) int count,
            @ForAll @Size(max = 300) byte[] input) {
        TestingGuestMemory memory = new TestingGuestMemory();
        PreparedCall<ConsoleReadOutcome> call = strategy.prepare(memory, new ConsoleReadRequest(count));
        ConsoleIoArguments io = strategy.decode(ConsoleIoArguments.KIND, memory, call.args());
        assertThat(io.cmd()).isEqualTo(SubOps.ConsoleIo.READ);
        int n = Math.min(count, input.length);
        io.copyOut(0, input, 0, n);
        assertThat(XenErrors.errnoOf(() -> io.copyOut(count, new byte[1], 0, 1))).isEqualTo(XenErrno.EINVAL);
        assertThat(call.complete(n).bytes()).isEqualTo(Arrays.copyOf(input, n));
    }

    @Property(tries = 60)
    public void aDomainListRoundTripsAndAsksAgainWhenFull(@ForAll("strategies") ArgumentStrategy strategy,
            @ForAll @IntRange(max = 100) int domains, @ForAll @IntRange(max = 60) int room) {
        TestingGuestMemory memory = new TestingGuestMemory();
        List<DomainInfo> all = new ArrayList<>();
        for (int d = 0; d < domains; d++) {
            all.add(DomainInfo.of(d * 3, DomainInfo.DOMINF_RUNNING, 1000L + d, 2000L + d, 1 + d % 4));
        }
        List<DomainInfo> seen = new ArrayList<>();
        int first = 0;
        int rounds = 0;
        while (true) {
            HypercallRequest<DomainInfoListOutcome> part = strategy.split(new GetDomainInfoListRequest(first, Math.max(1, room))).get(0);
            PreparedCall<DomainInfoListOutcome> call = strategy.prepare(memory, part);
            GetDomainInfoListArguments list = strategy.decode(GetDomainInfoListArguments.KIND, memory, call.args());
            int written = 0;
            for (DomainInfo info : all) {
                if (info.domain() >= list.firstDomain() && written < list.maxDomains()) {
                    list.writeDomainInfo(written++, info);
                }
            }
            list.finish(written);
            DomainInfoListOutcome outcome = call.complete(0);
            assertThat(outcome.domains()).hasSize(written);
            seen.addAll(outcome.domains());
            rounds++;
            if (written < list.maxDomains()) {
                break;
            }
            first = outcome.domains().get(written - 1).domain() + 1;
        }
        assertThat(seen).isEqualTo(all);
        assertThat(rounds).isGreaterThanOrEqualTo(1);
    }

    @Property(tries = 60)
    public void aModifiedMemoryDmOpRoundTrips(@ForAll("strategies") ArgumentStrategy strategy,
            @ForAll @IntRange(max = 40) int n, @ForAll long seed) {
        TestingGuestMemory memory = new TestingGuestMemory();
        List<ModifiedMemoryExtent> extents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            extents.add(new ModifiedMemoryExtent(i + 1, seed + 100L * i));
        }
        List<ModifiedMemoryExtent> read = new ArrayList<>();
        for (HypercallRequest<ModifiedMemoryOutcome> part : strategy.split(new ModifiedMemoryRequest(7, extents))) {
            PreparedCall<ModifiedMemoryOutcome> call = strategy.prepare(memory, part);
            DmOpArguments dm = strategy.decode(DmOpArguments.KIND, memory, call.args());
            assertThat(dm.domid()).isEqualTo(7);
            ModifiedMemoryOp op = dm.readOp();
            int count = ((ModifiedMemoryRequest) part).extents().size();
            assertThat(op).isEqualTo(new ModifiedMemoryOp(count, 0));
            assertThat(dm.extentCapacity()).isEqualTo(count);
            for (int i = 0; i < count; i++) {
                read.add(dm.readExtent(i));
            }
            assertThat(XenErrors.errnoOf(() -> dm.readExtent(count))).isEqualTo(XenErrno.EFAULT);
            dm.writeOp(new ModifiedMemoryOp(0, 5));
            assertThat(call.complete(0).op()).isEqualTo(new ModifiedMemoryOp(0, 5));
            assertThat(dm.continuationArgs()).isEqualTo(Arrays.copyOf(call.args(), 3));
        }
        assertThat(read).isEqualTo(extents);
    }
}
