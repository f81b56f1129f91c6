package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

final class TestMlockedBufferApi {
    private static final long EFAULT = XenErrno.EFAULT.asResult();
    private static final PageSize PAGE = PageSize.SIZE_4K;

    private final TestingDomain domain = new TestingDomain(2048);
    private final TestingUserProcessServices process = domain.process(1024);

    private MlockedBufferApi api(X86BufferConfig.Alignment alignment) {
        return new MlockedBufferApi(process, alignment);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("no XenException");
    }

    @Test
    void allocBufMapsTouchesAndLocksItsOwnPages() {
        HypercallBuffer buffer = api(X86BufferConfig.Alignment.PAGE).allocBuf(2);

        assertThat(PAGE.offsetIn(buffer.userAddress())).isZero();
        assertThat(buffer.capacity()).isEqualTo(8192);
        assertThat(buffer.nrPages()).isEqualTo(2);
        assertThat(process.lockedPages()).isEqualTo(2);
        assertThat(process.frameOf(buffer.userAddress())).isPositive();
        assertThat(process.frameOf(buffer.userAddress() + 4096)).isPositive();
        assertThat(domain.metrics().get(Counter.MLOCK_CALLS)).isEqualTo(1);
        assertThat(domain.metrics().get(Counter.MLOCKED_PAGES)).isEqualTo(2);
        assertThat(domain.trace().events(TraceKind.LIBRARY)).anySatisfy(e -> assertThat(e.detail()).contains("alloc_buf(2)"));
    }

    @Test
    void allocMemHandsOutAlignedDisjointSlicesAndEnospcBeyondCapacity() {
        HypercallBuffer buffer = api(X86BufferConfig.Alignment.PAGE).allocBuf(1);
        BufferSlice a = buffer.allocMem(5);
        BufferSlice b = buffer.allocMem(3);
        BufferSlice c = buffer.allocMem(16);

        assertThat(a.userAddress()).isEqualTo(buffer.userAddress());
        assertThat(b.userAddress()).isEqualTo(buffer.userAddress() + 8);
        assertThat(c.userAddress()).isEqualTo(buffer.userAddress() + 16);
        assertThat(c.reference().value()).isEqualTo(c.userAddress());
        assertThat(buffer.remaining()).isEqualTo(4096 - 32);

        assertThat(errnoOf(() -> buffer.allocMem(4096 - 31))).isEqualTo(XenErrno.ENOSPC);
        // The buffer counts nothing: the library that sees the ENOSPC counts it, once.
        assertThat(domain.metrics().errors(XenErrno.ENOSPC)).isZero();
        assertThat(buffer.remaining()).isEqualTo(4096 - 32);
        assertThat(buffer.allocMem(4096 - 32).userAddress()).isEqualTo(buffer.userAddress() + 32);
        assertThat(buffer.remaining()).isZero();
        assertThat(errnoOf(() -> buffer.allocMem(-1))).isEqualTo(XenErrno.EINVAL);

        buffer.reset();
        assertThat(buffer.remaining()).isEqualTo(4096);
        assertThat(buffer.allocMem(8).userAddress()).isEqualTo(buffer.userAddress());
    }

    @Test
    void alignedBuffersKeepTheirLocksWhenANeighbourIsFreed() {
        MlockedBufferApi api = api(X86BufferConfig.Alignment.PAGE);
        HypercallBuffer a = api.allocBuf(1);
        HypercallBuffer b = api.allocBuf(1);
        BufferSlice slice = b.allocMem(64);
        byte[] data = bytes("domctl arguments, 64 bytes long, written by the tool............");
        process.writeMemory(slice.userAddress(), data, 0, data.length);

        api.freeBuf(a);
        assertThat(process.isLocked(slice.userAddress())).isTrue();
        process.evictUnlocked();

        byte[] seen = new byte[64];
        assertThat(domain.hypercallRead(process, slice.reference(), seen)).isZero();
        assertThat(seen).isEqualTo(data);
        assertThat(process.lockedPages()).isEqualTo(1);
        assertThat(domain.metrics().current(Gauge.LOCKED_PAGES)).isEqualTo(1);
        assertThat(process.mappingCount()).isEqualTo(1);
    }

    @Test
    void packedBuffersShareAPageAndFreeingOneUnlocksItsNeighbour() {
        MlockedBufferApi api = api(X86BufferConfig.Alignment.NONE);
        HypercallBuffer a = api.allocBuf(1);
        HypercallBuffer b = api.allocBuf(1);
        assertThat(PAGE.pageOf(a.userAddress() + a.capacity() - 1)).isEqualTo(PAGE.pageOf(b.userAddress()));
        assertThat(PAGE.offsetIn(a.userAddress())).isEqualTo(MlockedBufferApi.MALLOC_HEADER);
        assertThat(process.lockedPages()).isEqualTo(3);

        BufferSlice slice = b.allocMem(64);
        byte[] data = bytes("domctl arguments, 64 bytes long, written by the tool............");
        process.writeMemory(slice.userAddress(), data, 0, data.length);
        byte[] seen = new byte[64];
        assertThat(domain.hypercallRead(process, slice.reference(), seen)).isZero();

        api.freeBuf(a); // munlock of a's range, page-rounded, also unlocks b's first page
        assertThat(process.isLocked(slice.userAddress())).isFalse();
        assertThat(process.evictUnlocked()).isPositive();

        assertThat(domain.hypercallRead(process, slice.reference(), seen)).isEqualTo(EFAULT);
        assertThat(domain.hypercallWrite(process, slice.reference(), new byte[64])).isEqualTo(EFAULT);
        // The tool still sees its bytes (the page comes back on its own touch): nothing is corrupt,
        // the hypervisor just cannot reach them while the page is out.
        byte[] toolView = new byte[64];
        process.readMemory(slice.userAddress(), toolView, 0, 64);
        assertThat(toolView).isEqualTo(data);
        assertThat(domain.hypercallRead(process, slice.reference(), seen)).isZero();
        assertThat(seen).isEqualTo(data);
    }

    @Test
    void theSameScheduleWithAlignedBuffersDoesNotFail() {
        MlockedBufferApi api = api(X86BufferConfig.Alignment.PAGE);
        HypercallBuffer a = api.allocBuf(1);
        HypercallBuffer b = api.allocBuf(1);
        BufferSlice slice = b.allocMem(64);
        api.freeBuf(a);
        process.evictUnlocked();
        assertThat(domain.hypercallWrite(process, slice.reference(), bytes("x".repeat(64)))).isZero();
        byte[] toolView = new byte[64];
        process.readMemory(slice.userAddress(), toolView, 0, 64);
        assertThat(toolView).isEqualTo(bytes("x".repeat(64)));
    }

    @Test
    void largePackedBuffersGetTheirOwnMappingButStillStartPastTheHeader() {
        MlockedBufferApi api = api(X86BufferConfig.Alignment.NONE);
        HypercallBuffer big = api.allocBuf(32);
        assertThat(PAGE.offsetIn(big.userAddress())).isEqualTo(16);
        assertThat(process.lockedPages()).isEqualTo(33);
        api.freeBuf(big);
        assertThat(process.lockedPages()).isZero();
        assertThat(process.mappingCount()).isZero();
    }

    @Test
    void freeingEveryPackedBufferUnmapsTheHeap() {
        MlockedBufferApi api = api(X86BufferConfig.Alignment.NONE);
        HypercallBuffer a = api.allocBuf(1);
        HypercallBuffer b = api.allocBuf(2);
        HypercallBuffer c = api.allocBuf(1);
        assertThat(process.mappingCount()).isEqualTo(1);
        api.freeBuf(b);
        api.freeBuf(a);
        assertThat(process.mappingCount()).isEqualTo(1);
        api.freeBuf(c);
        assertThat(process.mappingCount()).isZero();
        assertThat(process.lockedPages()).isZero();
    }

    @Test
    void compactionCanFailALockedBufferUntilTheMoveEnds() {
        MlockedBufferApi api = api(X86BufferConfig.Alignment.PAGE);
        BufferSlice slice = api.allocBuf(1).allocMem(32);
        byte[] data = bytes("locked but movable page contents");
        process.writeMemory(slice.userAddress(), data, 0, data.length);
        long before = process.frameOf(slice.userAddress());

        process.beginMigration(slice.userAddress());
        byte[] seen = new byte[32];
        assertThat(domain.hypercallRead(process, slice.reference(), seen)).isEqualTo(EFAULT);
        process.finishMigration(slice.userAddress());

        assertThat(domain.hypercallRead(process, slice.reference(), seen)).isZero(); // the retry
        assertThat(seen).isEqualTo(data);
        assertThat(process.frameOf(slice.userAddress())).isNotEqualTo(before);
        assertThat(process.isLocked(slice.userAddress())).isTrue();
    }

    @Test
    void aFailedMlockLeavesNothingBehind() {
        TestingUserProcessServices limited = domain.process(2);
        MlockedBufferApi aligned = new MlockedBufferApi(limited, X86BufferConfig.Alignment.PAGE);
        assertThat(errnoOf(() -> aligned.allocBuf(3))).isEqualTo(XenErrno.ENOMEM);
        assertThat(limited.mappingCount()).isZero();
        assertThat(limited.lockedPages()).isZero();
        assertThat(aligned.liveBuffers()).isEmpty();

        MlockedBufferApi packed = new MlockedBufferApi(limited, X86BufferConfig.Alignment.NONE);
        HypercallBuffer ok = packed.allocBuf(1);
        assertThat(errnoOf(() -> packed.allocBuf(1))).isEqualTo(XenErrno.ENOMEM);
        assertThat(limited.lockedPages()).isEqualTo(2);
        packed.freeBuf(ok);
        assertThat(limited.mappingCount()).isZero();
        assertThat(limited.lockedPages()).isZero();
    }

    @Test
    void badFreesAreEinvalAndChangeNothing() {
        MlockedBufferApi api = api(X86BufferConfig.Alignment.PAGE);
        HypercallBuffer a = api.allocBuf(1);
        HypercallBuffer b = api.allocBuf(1);
        api.freeBuf(a);
        assertThat(errnoOf(() -> api.freeBuf(a))).isEqualTo(XenErrno.EINVAL);
        HypercallBuffer foreign = new MlockedBufferApi(process, X86BufferConfig.Alignment.PAGE).allocBuf(1);
        assertThat(errnoOf(() -> api.freeBuf(foreign))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> a.allocMem(8))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> api.allocBuf(0))).isEqualTo(XenErrno.EINVAL);
        assertThat(api.liveBuffers()).containsExactly(b);
        assertThat(process.lockedPages()).isEqualTo(2);
    }

    @Test
    void exitReleasesLocksAndTheApiForgetsItsBuffers() {
        MlockedBufferApi api = api(X86BufferConfig.Alignment.NONE);
        HypercallBuffer a = api.allocBuf(1);
        api.allocBuf(3); // shares a's second page: 5 pages in all
        assertThat(domain.metrics().current(Gauge.LOCKED_PAGES)).isEqualTo(5);

        process.exit();

        assertThat(domain.metrics().current(Gauge.LOCKED_PAGES)).isZero();
        assertThat(domain.metrics().peak(Gauge.LOCKED_PAGES)).isEqualTo(5);
        assertThat(api.liveBuffers()).isEmpty();
        assertThat(errnoOf(() -> api.allocBuf(1))).isEqualTo(XenErrno.ESRCH);
        assertThat(errnoOf(() -> api.freeBuf(a))).isEqualTo(XenErrno.ESRCH);
        assertThat(errnoOf(() -> a.allocMem(8))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void aDeadProcessCannotOpenBuffers() {
        process.exit();
        assertThatThrownBy(() -> api(X86BufferConfig.Alignment.PAGE).allocBuf(1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
    }
}
