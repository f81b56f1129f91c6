package org.xencommlab.api.abi.sysctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentPlacement.Placed;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HandleSiteFinder.MemoryReader;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.codec.ArgumentMemory;
import org.xencommlab.api.abi.codec.ArgumentWords;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.EmbeddedCodec;
import org.xencommlab.api.abi.codec.FormCodec;
import org.xencommlab.api.abi.codec.HypercallAbi;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.codec.PointerCodec;
import org.xencommlab.api.abi.codec.SimplePreparedCall;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;

/**
 * {@code sysctl} getdomaininfolist in each form: {@link GetDomainInfoListRequest} on the guest
 * side, {@link GetDomainInfoListArguments#KIND} on the hypervisor side.
 */
public final class SysctlAbi implements HypercallAbi {
    @Override
    public String name() {
        return "sysctl";
    }

    /** {@code sysctl(u_sysctl)}: the one word names the structure (or the block). */
    public static final int MEMORY_ARGUMENT = 0;

    @Override
    public int hypercall() {
        return HypercallNumber.SYSCTL;
    }

    @Override
    public int memoryArgument() {
        return MEMORY_ARGUMENT;
    }

    @Override
    public List<FormCodec> codecs() {
        return List.of(new Pointer(), new Embedded());
    }

    @Override
    public List<Class<?>> requestTypes() {
        return List.of(GetDomainInfoListRequest.class);
    }

    @Override
    public List<ArgumentKind<?>> kinds() {
        return List.of(GetDomainInfoListArguments.KIND);
    }

    /** The records and count the hypervisor wrote back, bounded by what was asked. */
    private static DomainInfoListOutcome readOutcome(long result, int maxDomains, Placed numPlace, int numOffset, Placed records,
            int recordsOffset) {
        if (result < 0) {
            return new DomainInfoListOutcome(result, List.of());
        }
        byte[] num = new byte[4];
        numPlace.read(numOffset, num, 0, 4);
        int n = ArgumentWords.clamp(LittleEndian.u32(num, 0), maxDomains);
        if (n == 0) {
            return new DomainInfoListOutcome(result, List.of());
        }
        byte[] bytes = new byte[n * DomainInfo.SIZE];
        records.read(recordsOffset, bytes, 0, bytes.length);
        List<DomainInfo> infos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            infos.add(DomainInfo.decode(bytes, i * DomainInfo.SIZE));
        }
        return new DomainInfoListOutcome(result, infos);
    }

    /** Xen's {@code struct xen_sysctl} with a handle to the record buffer. */
    static final class Pointer implements PointerCodec {
        @Override
        public void measure(HypercallRequest<?> request, PlacementSize size, SubCalls sub) {
            size.pieceIfAny((long) ((GetDomainInfoListRequest) request).maxDomains() * DomainInfo.SIZE);
            size.piece(SysctlGetDomainInfoList.SIZE);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request, SubCalls sub) {
            GetDomainInfoListRequest g = (GetDomainInfoListRequest) request;
            byte[] room = new byte[g.maxDomains() * DomainInfo.SIZE];
            Placed buffer = room.length == 0 ? null : placement.place(room);
            long bufferWord = buffer == null ? MemoryReference.NULL.value() : buffer.reference().value();
            Placed struct = placement.place(SysctlGetDomainInfoList.request(g.firstDomain(), g.maxDomains(), bufferWord).encodePointer());
            return (PreparedCall<R>) new SimplePreparedCall<DomainInfoListOutcome>(HypercallNumber.SYSCTL,
                    new long[] {struct.reference().value()},
                    result -> readOutcome(result, g.maxDomains(), struct, SysctlGetDomainInfoList.NUM_DOMAINS_OFFSET, buffer, 0));
        }

        /** The 136-byte structure; for getdomaininfolist, its {@code buffer} naming {@code max_domains * 104} bytes. */
        @Override
        public Optional<List<HandleSite>> handleSites(long[] args, MemoryReader reader, HandleSiteFinder nested) {
            byte[] sysctl = new byte[SysctlGetDomainInfoList.SIZE];
            reader.read(ArgumentWords.word(args, MEMORY_ARGUMENT), sysctl, 0, sysctl.length);
            List<HandleSite> inside = List.of();
            if (LittleEndian.u32(sysctl, SysctlGetDomainInfoList.CMD_OFFSET) == SubOps.Sysctl.GETDOMAININFOLIST) {
                long room = LittleEndian.u32(sysctl, SysctlGetDomainInfoList.MAX_DOMAINS_OFFSET) * DomainInfo.SIZE;
                inside = List.of(HandleSite.field(SysctlGetDomainInfoList.BUFFER_OFFSET, HandleSite.bounded(room), List.of()));
            }
            return Optional.of(List.of(HandleSite.argument(MEMORY_ARGUMENT, SysctlGetDomainInfoList.SIZE, inside)));
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
            MemoryReference ref = new MemoryReference(ArgumentWords.word(args, MEMORY_ARGUMENT));
            byte[] copy = new byte[SysctlGetDomainInfoList.SIZE];
            ArgumentMemory.copyIn(guest, copy, 0, ref, 0, copy.length);
            SysctlGetDomainInfoList op = SysctlGetDomainInfoList.decodePointer(copy);
            return kind.type().cast(new PointerView(guest, ref, copy, op));
        }
    }

    /**
     * What both forms' views share: the request's fields, the index and count checks; a form says
     * only where a record and the count go in guest memory.
     */
    private abstract static class ListView implements GetDomainInfoListArguments {
        final GuestCopy guest;
        final MemoryReference ref;
        private final SysctlGetDomainInfoList op;
        private final byte[] record = new byte[DomainInfo.SIZE];

        ListView(GuestCopy guest, MemoryReference ref, SysctlGetDomainInfoList op) {
            this.guest = guest;
            this.ref = ref;
            this.op = op;
        }

        /** Writes the encoded record {@code index} (already checked) to the guest. */
        abstract void writeRecord(int index, byte[] record);

        /** Writes {@code numDomains} (already checked) back to the guest. */
        abstract void writeNumDomains(int numDomains);

        @Override
        public final int firstDomain() {
            return op.firstDomain();
        }

        @Override
        public final long maxDomains() {
            return op.maxDomainsUnsigned();
        }

        @Override
        public final void writeDomainInfo(int index, DomainInfo info) {
            ArgumentWords.checkIndex(index, maxDomains(), "domain record");
            info.encode(record, 0);
            writeRecord(index, record);
        }

        @Override
        public final void finish(int numDomains) {
            if (numDomains < 0 || numDomains > maxDomains()) {
                throw new IllegalArgumentException("num_domains out of range: " + numDomains);
            }
            writeNumDomains(numDomains);
        }
    }

    private static final class PointerView extends ListView {
        private final byte[] copy;
        private final MemoryReference buffer;

        PointerView(GuestCopy guest, MemoryReference ref, byte[] copy, SysctlGetDomainInfoList op) {
            super(guest, ref, op);
            this.copy = copy;
            this.buffer = new MemoryReference(op.buffer());
        }

        @Override
        void writeRecord(int index, byte[] record) {
            ArgumentMemory.copyOut(guest, buffer, (long) index * DomainInfo.SIZE, record, 0, record.length);
        }

        @Override
        void writeNumDomains(int numDomains) {
            // Xen copies its whole copy of the structure back, the guest's other bytes unchanged.
            LittleEndian.putU32(copy, SysctlGetDomainInfoList.NUM_DOMAINS_OFFSET, numDomains);
            ArgumentMemory.copyOut(guest, ref, 0, copy, 0, copy.length);
        }
    }

    /** The sysctl block: the fixed fields, then room for the records. */
    static final class Embedded implements EmbeddedCodec {
        @Override
        @SuppressWarnings("unchecked")
        public <Q extends HypercallRequest<?>> List<Q> split(Q request, int maxBlock) {
            GetDomainInfoListRequest g = (GetDomainInfoListRequest) request;
            return (List<Q>) List.of(new GetDomainInfoListRequest(g.firstDomain(), Math.min(g.maxDomains(), SysctlBlock.maxDomains(maxBlock))));
        }

        @Override
        public long blockBytes(HypercallRequest<?> request, int maxBlock, SubCalls sub) {
            return SysctlBlock.RECORDS_OFFSET + (long) ((GetDomainInfoListRequest) request).maxDomains() * DomainInfo.SIZE;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> EmbeddedCall<R> encode(HypercallRequest<R> request, int maxBlock, SubCalls sub) {
            GetDomainInfoListRequest g = (GetDomainInfoListRequest) request;
            if (g.maxDomains() > SysctlBlock.maxDomains(maxBlock)) {
                throw new XenException(XenErrno.E2BIG, "room for " + g.maxDomains() + " domains exceeds one block; split it");
            }
            byte[] block = SysctlBlock.encode(g.firstDomain(), g.maxDomains());
            return (EmbeddedCall<R>) new EmbeddedCall<DomainInfoListOutcome>(HypercallNumber.SYSCTL, new long[] {0}, MEMORY_ARGUMENT, block, List.of(),
                    (result, placed, base) -> readOutcome(result, g.maxDomains(), placed, base + SysctlBlock.NUM_DOMAINS_OFFSET, placed,
                            base + SysctlBlock.RECORDS_OFFSET));
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args, int maxBlock) {
            MemoryReference ref = new MemoryReference(ArgumentWords.word(args, MEMORY_ARGUMENT));
            byte[] fixed = new byte[SysctlBlock.RECORDS_OFFSET];
            ArgumentMemory.copyIn(guest, fixed, 0, ref, 0, fixed.length);
            SysctlGetDomainInfoList op = SysctlBlock.decodeFixed(fixed, maxBlock);
            return kind.type().cast(new EmbeddedView(guest, ref, op));
        }
    }

    private static final class EmbeddedView extends ListView {
        EmbeddedView(GuestCopy guest, MemoryReference ref, SysctlGetDomainInfoList op) {
            super(guest, ref, op);
        }

        @Override
        void writeRecord(int index, byte[] record) {
            ArgumentMemory.copyOut(guest, ref, SysctlBlock.recordOffset(index), record, 0, record.length);
        }

        @Override
        void writeNumDomains(int numDomains) {
            byte[] num = new byte[4];
            LittleEndian.putU32(num, 0, numDomains);
            ArgumentMemory.copyOut(guest, ref, SysctlBlock.NUM_DOMAINS_OFFSET, num, 0, 4);
        }
    }
}
