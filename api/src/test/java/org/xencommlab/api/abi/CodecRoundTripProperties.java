package org.xencommlab.api.abi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.console.ConsoleReadOutcome;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOutcome;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.DomainInfoListOutcome;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.hypercall.SubOps;

/**
 * Both halves of each codec agree, in both forms: what the guest side encodes, the hypervisor side
 * decodes field for field, and what the hypervisor side writes back, the guest side reads, bounded
 * by the result.
 */
final class CodecRoundTripProperties {
    private static final int MAX_BLOCK = 4096;

    /** The words and completion of one call, in either form. */
    private record Issued<R>(long[] args, java.util.function.LongFunction<R> complete) {}

    private static <R> Issued<R> issue(FlatGuest guest, HypercallRequest<R> request, boolean pointer) {
        if (pointer) {
            PreparedCall<R> call = SubCallRig.POINTER.encoder(request).prepare(guest, request, SubCallRig.pointer());
            return new Issued<>(call.args(), call::complete);
        }
        EmbeddedCall<R> call = SubCallRig.EMBEDDED.encoder(request).encode(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK));
        FlatGuest.Issued issued = guest.issue(call);
        return new Issued<>(issued.args(), result -> call.completion().complete(result, issued.placed(), 0));
    }

    private static <V> V decode(FlatGuest guest, ArgumentKind<V> kind, long[] args, boolean pointer) {
        return pointer ? SubCallRig.POINTER.decoder(kind).decode(kind, guest, args)
                : SubCallRig.EMBEDDED.decoder(kind).decode(kind, guest, args, MAX_BLOCK);
    }

    @Provide
    Arbitrary<ReservationRequest> reservations() {
        return Combinators.combine(
                Arbitraries.of(SubOps.MemoryOp.INCREASE_RESERVATION, SubOps.MemoryOp.DECREASE_RESERVATION, SubOps.MemoryOp.POPULATE_PHYSMAP),
                Arbitraries.longs().array(long[].class).ofMinSize(1).ofMaxSize(40), Arbitraries.integers().between(0, 18),
                Arbitraries.integers(), Arbitraries.integers().between(0, 0xFFFF)).as(ReservationRequest::new);
    }

    @Property(tries = 150)
    void aReservationRoundTrips(@ForAll("reservations") ReservationRequest request, @ForAll boolean pointer, @ForAll long result) {
        FlatGuest guest = new FlatGuest(1 << 14);
        Issued<ReservationOutcome> call = issue(guest, request, pointer);
        ReservationArguments view = decode(guest, ReservationArguments.KIND, call.args(), pointer);
        assertThat(view.command().op()).isEqualTo(request.op());
        assertThat(view.reservation().nrExtents()).isEqualTo(request.nrExtents());
        assertThat(view.reservation().extentOrder()).isEqualTo(request.extentOrder());
        assertThat(view.reservation().memFlags()).isEqualTo(request.memFlags());
        assertThat(view.reservation().domid()).isEqualTo(request.domid());
        long[] frames = new long[request.nrExtents()];
        for (int i = 0; i < frames.length; i++) {
            assertThat(view.readExtent(i)).isEqualTo(request.extents()[i]);
            frames[i] = ~request.extents()[i];
            view.writeExtent(i, frames[i]);
        }
        int done = (int) Math.max(0, Math.min(result, frames.length));
        assertThat(call.complete().apply(result)).isEqualTo(new ReservationOutcome(result, Arrays.copyOf(frames, done)));
    }

    @Property(tries = 100)
    void aConsoleWriteRoundTrips(@ForAll byte[] bytes, @ForAll boolean pointer) {
        FlatGuest guest = new FlatGuest(1 << 14);
        net.jqwik.api.Assume.that(bytes.length <= MAX_BLOCK - 16);
        Issued<Long> call = issue(guest, new ConsoleWriteRequest(bytes), pointer);
        ConsoleIoArguments view = decode(guest, ConsoleIoArguments.KIND, call.args(), pointer);
        assertThat(view.cmd()).isEqualTo(SubOps.ConsoleIo.WRITE);
        assertThat(view.count()).isEqualTo(bytes.length);
        byte[] got = new byte[bytes.length];
        view.copyIn(0, got, 0, got.length);
        assertThat(got).isEqualTo(bytes);
        assertThat(call.complete().apply(bytes.length)).isEqualTo((long) bytes.length);
    }

    @Property(tries = 100)
    void aConsoleReadRoundTrips(@ForAll byte[] bytes, @ForAll @IntRange(max = 300) int extra, @ForAll long result, @ForAll boolean pointer) {
        FlatGuest guest = new FlatGuest(1 << 14);
        int count = Math.min(bytes.length + extra, MAX_BLOCK - 16);
        byte[] written = Arrays.copyOf(bytes, Math.min(bytes.length, count));
        Issued<ConsoleReadOutcome> call = issue(guest, new ConsoleReadRequest(count), pointer);
        ConsoleIoArguments view = decode(guest, ConsoleIoArguments.KIND, call.args(), pointer);
        assertThat(view.cmd()).isEqualTo(SubOps.ConsoleIo.READ);
        assertThat(view.count()).isEqualTo(count);
        view.copyOut(0, written, 0, written.length);
        byte[] expected = Arrays.copyOf(written, (int) Math.max(0, Math.min(result, count)));
        assertThat(call.complete().apply(result)).isEqualTo(new ConsoleReadOutcome(result, expected));
    }

    @Provide
    Arbitrary<ModifiedMemoryRequest> dmops() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF),
                Combinators.combine(Arbitraries.integers(), Arbitraries.longs()).as(ModifiedMemoryExtent::new).list().ofMaxSize(20))
                .as(ModifiedMemoryRequest::new);
    }

    @Property(tries = 100)
    void aDmOpRoundTrips(@ForAll("dmops") ModifiedMemoryRequest request, @ForAll int left, @ForAll int opaque, @ForAll long result,
            @ForAll boolean pointer) {
        FlatGuest guest = new FlatGuest(1 << 14);
        Issued<ModifiedMemoryOutcome> call = issue(guest, request, pointer);
        DmOpArguments view = decode(guest, DmOpArguments.KIND, call.args(), pointer);
        assertThat(view.domid()).isEqualTo(request.domid());
        assertThat(view.readOp()).isEqualTo(new ModifiedMemoryOp(request.extents().size(), 0));
        assertThat(view.extentCapacity()).isEqualTo(request.extents().size());
        List<ModifiedMemoryExtent> read = new ArrayList<>();
        for (int i = 0; i < view.extentCapacity(); i++) {
            read.add(view.readExtent(i));
        }
        assertThat(read).isEqualTo(request.extents());
        view.writeOp(new ModifiedMemoryOp(left, opaque));
        assertThat(call.complete().apply(result)).isEqualTo(new ModifiedMemoryOutcome(result, new ModifiedMemoryOp(left, opaque)));
        assertThat(view.continuationArgs()).containsExactly(call.args());
    }

    @Property(tries = 100)
    void aDomainListRoundTrips(@ForAll @IntRange(max = 0xFFFF) int first, @ForAll @IntRange(max = 30) int max,
            @ForAll @IntRange(max = 30) int found, @ForAll boolean pointer) {
        FlatGuest guest = new FlatGuest(1 << 14);
        int room = Math.min(max, 36);
        GetDomainInfoListRequest request = new GetDomainInfoListRequest(first, room);
        Issued<DomainInfoListOutcome> call = issue(guest, request, pointer);
        GetDomainInfoListArguments view = decode(guest, GetDomainInfoListArguments.KIND, call.args(), pointer);
        assertThat(view.firstDomain()).isEqualTo(first);
        assertThat(view.maxDomains()).isEqualTo(room);
        int n = Math.min(found, room);
        List<DomainInfo> infos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DomainInfo info = DomainInfo.of(first + i & 0x7FFF, i, 10L * i, 20L * i, i % 4 + 1);
            infos.add(info);
            view.writeDomainInfo(i, info);
        }
        view.finish(n);
        assertThat(call.complete().apply(0)).isEqualTo(new DomainInfoListOutcome(0, infos));
    }
}
