package org.xencommlab.api.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.EmbeddedCodec;
import org.xencommlab.api.abi.codec.PointerCodec;
import org.xencommlab.api.abi.codec.ToolBlocks;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.memory.MemoryOpArguments;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.SubOps;

/**
 * Every codec's decoder against hostile guests: a valid call of each hypercall, in each form, with
 * guest bytes and argument words corrupted at random. Whatever the guest wrote, decoding and every
 * access through the view either works or is refused with a {@link XenException}; nothing else is
 * ever thrown, and a view never reaches outside what it was given.
 */
final class CodecDecodingProperties {
    private static final int MAX_BLOCK = 1024;
    private static final int GUEST = 1 << 14;

    /** The kinds a handler decodes, with what it does through each view. */
    private static final List<ArgumentKind<?>> KINDS = List.of(ReservationArguments.KIND, MemoryOpArguments.KIND, MulticallArguments.KIND,
            ConsoleIoArguments.KIND, DmOpArguments.KIND, GetDomainInfoListArguments.KIND);

    @Provide
    Arbitrary<HypercallRequest<?>> requests() {
        Arbitrary<ReservationRequest> reservation = Combinators.combine(
                Arbitraries.of(SubOps.MemoryOp.INCREASE_RESERVATION, SubOps.MemoryOp.DECREASE_RESERVATION, SubOps.MemoryOp.POPULATE_PHYSMAP),
                Arbitraries.longs().array(long[].class).ofMaxSize(6), Arbitraries.integers().between(0, 20),
                Arbitraries.integers(), Arbitraries.integers().between(0, 0xFFFF))
                .as(ReservationRequest::new);
        Arbitrary<ConsoleWriteRequest> write = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(ConsoleWriteRequest::new);
        Arbitrary<ConsoleReadRequest> read = Arbitraries.integers().between(0, 40).map(ConsoleReadRequest::new);
        Arbitrary<ModifiedMemoryRequest> dmop = Combinators.combine(Arbitraries.integers().between(0, 0xFFFF),
                Combinators.combine(Arbitraries.integers(), Arbitraries.longs()).as(ModifiedMemoryExtent::new).list().ofMaxSize(4))
                .as(ModifiedMemoryRequest::new);
        Arbitrary<GetDomainInfoListRequest> sysctl = Combinators.combine(Arbitraries.integers().between(0, 0xFFFF),
                Arbitraries.integers().between(0, 5)).as(GetDomainInfoListRequest::new);
        Arbitrary<HypercallRequest<?>> single = Arbitraries.oneOf(reservation, write, read, dmop, sysctl);
        Arbitrary<MulticallRequest> multicall = single.list().ofMaxSize(3).map(MulticallRequest::new);
        return Arbitraries.oneOf(single, multicall);
    }

    /** Corruptions of the guest's memory: offsets into the placed call and the bytes written there. */
    @Provide
    Arbitrary<List<int[]>> corruptions() {
        return Combinators.combine(Arbitraries.integers().between(0, 2047), Arbitraries.integers().between(0, 255))
                .as((at, value) -> new int[] {at, value}).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<long[]> wordChanges() {
        Arbitrary<Long> interesting = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-2, 70),
                Arbitraries.longs().between(FlatGuest.BASE - 8, FlatGuest.BASE + GUEST + 8),
                Arbitraries.of(0xFFFF_FFFFL, 0x8000_0000L, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE));
        return Combinators.combine(Arbitraries.longs().between(0, 5), interesting).as((at, value) -> new long[] {at, value})
                .array(long[][].class).ofMaxSize(2).map(changes -> {
                    long[] flat = new long[changes.length * 2];
                    for (int i = 0; i < changes.length; i++) {
                        flat[2 * i] = changes[i][0];
                        flat[2 * i + 1] = changes[i][1];
                    }
                    return flat;
                });
    }

    private static long[] corrupt(long[] args, long[] changes) {
        long[] out = java.util.Arrays.copyOf(args, Math.max(args.length, 6));
        for (int i = 0; i < changes.length; i += 2) {
            out[(int) changes[i]] = changes[i + 1];
        }
        return out;
    }

    private static void corrupt(FlatGuest guest, List<int[]> corruptions) {
        for (int[] c : corruptions) {
            guest.poke(FlatGuest.BASE + c[0], new byte[] {(byte) c[1]});
        }
    }

    @Property(tries = 400)
    void aCorruptedPointerCallDecodesOrIsRefusedWithAnErrno(@ForAll("requests") HypercallRequest<?> request,
            @ForAll("corruptions") List<int[]> corruptions, @ForAll("wordChanges") long[] changes) {
        FlatGuest guest = new FlatGuest(GUEST);
        PreparedCall<?> call = SubCallRig.POINTER.encoder(request).prepare(guest, request, SubCallRig.pointer());
        corrupt(guest, corruptions);
        long[] args = corrupt(call.args(), changes);
        Optional<PointerCodec> codec = SubCallRig.POINTER.forHypercall(call.op());
        for (ArgumentKind<?> kind : KINDS) {
            PointerCodec decoder = SubCallRig.POINTER.decoder(kind);
            if (codec.isPresent() && codec.get() == decoder) {
                exercise(() -> decoder.decode(kind, guest, args));
            }
        }
        onlyXenErrors(() -> codec.orElseThrow().handleSites(args, guest.reader(), SubCallRig.handleSites()));
    }

    @Property(tries = 400)
    void aCorruptedEmbeddedCallDecodesOrIsRefusedWithAnErrno(@ForAll("requests") HypercallRequest<?> request,
            @ForAll("corruptions") List<int[]> corruptions, @ForAll("wordChanges") long[] changes) {
        FlatGuest guest = new FlatGuest(GUEST);
        EmbeddedCodec encoder = SubCallRig.EMBEDDED.encoder(request);
        if (encoder.blockBytes(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK)) > MAX_BLOCK) {
            return;
        }
        EmbeddedCall<?> call = encoder.encode(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK));
        FlatGuest.Issued issued = guest.issue(call);
        corrupt(guest, corruptions);
        long[] args = corrupt(issued.args(), changes);
        Optional<EmbeddedCodec> codec = SubCallRig.EMBEDDED.forHypercall(call.op());
        for (ArgumentKind<?> kind : KINDS) {
            EmbeddedCodec decoder = SubCallRig.EMBEDDED.decoder(kind);
            if (codec.isPresent() && codec.get() == decoder) {
                exercise(() -> decoder.decode(kind, guest, args, MAX_BLOCK));
            }
        }
        if (issued.placed() != null) {
            byte[] block = guest.peek(issued.placed().reference().value(), issued.placed().length());
            int[] words = codec.orElseThrow().subBlockWords(block, args, SubCallRig.EMBEDDED::memoryArgument);
            assertThat(java.util.Arrays.stream(words).boxed().toList()).allSatisfy(at -> assertThat(at).isBetween(0, block.length - 8));
            onlyXenErrors(() -> ToolBlocks.extent(guest.userKernel(), codec.get(), issued.placed().reference().value(), args,
                    SubCallRig.EMBEDDED::memoryArgument, MAX_BLOCK));
        }
    }

    @Property(tries = 300)
    void randomWordsOnRandomMemoryDecodeOrAreRefusedWithAnErrno(@ForAll @Size(2048) byte[] memory, @ForAll("wordChanges") long[] a,
            @ForAll("wordChanges") long[] b, @ForAll @IntRange(min = 0, max = 5) int kindIndex, @ForAll boolean pointerForm) {
        FlatGuest guest = new FlatGuest(GUEST);
        guest.poke(FlatGuest.BASE, memory);
        long[] args = corrupt(corrupt(new long[6], a), b);
        ArgumentKind<?> kind = KINDS.get(kindIndex);
        if (pointerForm) {
            exercise(() -> SubCallRig.POINTER.decoder(kind).decode(kind, guest, args));
        } else {
            exercise(() -> SubCallRig.EMBEDDED.decoder(kind).decode(kind, guest, args, MAX_BLOCK));
        }
    }

    /** Decodes, then does through the view what a handler does, each step allowed to be refused with an errno only. */
    private static void exercise(java.util.function.Supplier<Object> decode) {
        Object[] view = new Object[1];
        onlyXenErrors(() -> view[0] = decode.get());
        Object v = view[0];
        if (v == null) {
            return;
        }
        List<Runnable> steps = new ArrayList<>();
        if (v instanceof MemoryOpArguments m) {
            steps.add(() -> {
                m.command();
                ReservationArguments r = m.reservation();
                steps.add(() -> r.readExtent(r.command().startExtent()));
            });
        }
        if (v instanceof ReservationArguments r) {
            for (long i = r.command().startExtent(); i < Math.min(r.reservation().nrExtents(), r.command().startExtent() + 8); i++) {
                long index = i;
                steps.add(() -> r.writeExtent(index, r.readExtent(index) + 1));
            }
            steps.add(() -> r.readExtent(r.reservation().nrExtents()));
        }
        if (v instanceof MulticallArguments m) {
            for (int i = m.start(); i < Math.min(m.nrCalls(), m.start() + 8); i++) {
                int index = i;
                steps.add(() -> {
                    MulticallEntry entry = m.readEntry(index);
                    m.writeResult(index, entry.op());
                });
            }
        }
        if (v instanceof ConsoleIoArguments c) {
            byte[] bytes = new byte[(int) Math.min(c.count() - c.done(), 64)];
            steps.add(() -> c.copyIn(c.done(), bytes, 0, bytes.length));
            steps.add(() -> c.copyOut(c.done(), bytes, 0, bytes.length));
            steps.add(() -> c.copyIn(c.count(), bytes, 0, 1));
        }
        if (v instanceof DmOpArguments d) {
            steps.add(() -> {
                d.domid();
                d.writeOp(d.readOp());
            });
            for (long i = 0; i < Math.min(d.extentCapacity(), 8); i++) {
                long index = i;
                steps.add(() -> d.readExtent(index));
            }
            steps.add(() -> d.readExtent(d.extentCapacity()));
        }
        if (v instanceof GetDomainInfoListArguments g) {
            int n = (int) Math.min(g.maxDomains(), 4);
            for (int i = 0; i < n; i++) {
                int index = i;
                steps.add(() -> g.writeDomainInfo(index, DomainInfo.of(index, 0, 1, 2, 1)));
            }
            steps.add(() -> g.finish(n));
        }
        for (int i = 0; i < steps.size(); i++) {
            onlyXenErrors(steps.get(i));
        }
    }

    private static void onlyXenErrors(Runnable action) {
        Throwable thrown = catchThrowable(action::run);
        if (thrown != null && !(thrown instanceof XenException)) {
            throw new AssertionError("not an errno: " + thrown, thrown);
        }
    }
}
