package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

/**
 * Where the mlocked-buffer library puts packed buffers (glibc's malloc: a 16-byte header, chunks
 * rounded to 16 bytes, one after the other in the heap), that a buffer needs at least one page,
 * and what its trace says about locking.
 */
final class TestMlockedBufferPlacement {
    private final TestingDomain domain = new TestingDomain(2048);
    private final TestingUserProcessServices process = domain.process(1024);

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("no XenException");
    }

    @Test
    void packedBuffersFollowEachOtherOneChunkApart() {
        MlockedBufferApi api = new MlockedBufferApi(process, X86BufferConfig.Alignment.NONE);
        HypercallBuffer a = api.allocBuf(1);
        HypercallBuffer b = api.allocBuf(1);
        HypercallBuffer c = api.allocBuf(2);
        long chunkOfOnePage = 4096 + MlockedBufferApi.MALLOC_HEADER;
        assertThat(b.userAddress() - a.userAddress()).isEqualTo(chunkOfOnePage);
        assertThat(c.userAddress() - b.userAddress()).isEqualTo(chunkOfOnePage);
        assertThat(a.userAddress() % 4096).isEqualTo(MlockedBufferApi.MALLOC_HEADER);
    }

    @Test
    void anUnlockedBufferIsStillTouchedPageByPage() {
        MlockedBufferApi api = new MlockedBufferApi(process, X86BufferConfig.Alignment.PAGE, false);
        HypercallBuffer buffer = api.allocBuf(3);
        for (int page = 0; page < 3; page++) {
            assertThat(process.frameOf(buffer.userAddress() + page * 4096L)).as("page %d", page).isNotNegative();
        }
        assertThat(process.lockedPages()).isZero();
    }

    @Test
    void touchingAPackedBufferLeavesItsNeighboursBytesAlone() {
        MlockedBufferApi api = new MlockedBufferApi(process, X86BufferConfig.Alignment.NONE, false);
        HypercallBuffer a = api.allocBuf(1);
        byte[] mark = new byte[4096];
        java.util.Arrays.fill(mark, (byte) 0x5a);
        process.writeMemory(a.userAddress(), mark, 0, mark.length);
        HypercallBuffer b = api.allocBuf(1);
        byte[] seen = new byte[4096];
        process.readMemory(a.userAddress(), seen, 0, seen.length);
        assertThat(seen).as("b's touch wrote only b's bytes").containsOnly(0x5a);
        assertThat(process.frameOf(b.userAddress() + 4095)).isNotNegative();
    }

    @Test
    void buffersAreNumberedUpwardsInAllocationOrder() {
        MlockedBufferApi api = new MlockedBufferApi(process, X86BufferConfig.Alignment.NONE);
        long first = api.allocBuf(1).id();
        assertThat(api.allocBuf(1).id()).isEqualTo(first + 1);
        assertThat(api.allocBuf(1).id()).isEqualTo(first + 2);
    }

    @Test
    void aBufferOfNoPagesIsEinvalWhateverTheAlignment() {
        for (X86BufferConfig.Alignment alignment : X86BufferConfig.Alignment.values()) {
            MlockedBufferApi api = new MlockedBufferApi(process, alignment);
            assertThat(errnoOf(() -> api.allocBuf(0))).as(alignment.toString()).isEqualTo(XenErrno.EINVAL);
            assertThat(errnoOf(() -> api.allocBuf(-1))).as(alignment.toString()).isEqualTo(XenErrno.EINVAL);
            assertThat(api.liveBuffers()).isEmpty();
        }
        assertThat(process.mappingCount()).isZero();
        assertThat(process.lockedPages()).isZero();
    }

    @Test
    void theTraceSaysWhetherABufferIsLocked() {
        HypercallBuffer locked = new MlockedBufferApi(process, X86BufferConfig.Alignment.PAGE).allocBuf(1);
        MlockedBufferApi unlockedApi = new MlockedBufferApi(process, X86BufferConfig.Alignment.PAGE, false);
        HypercallBuffer unlocked = unlockedApi.allocBuf(1);
        java.util.List<String> allocs = domain.trace().events(TraceKind.LIBRARY).stream().map(e -> e.detail())
                .filter(d -> d.contains("alloc_buf(")).toList();
        assertThat(allocs).hasSize(2);
        assertThat(allocs.get(0)).contains("buffer " + locked.id()).endsWith("1 pages mlocked (align=page)");
        assertThat(allocs.get(1)).contains("buffer " + unlocked.id()).endsWith("1 pages left unlocked (align=page)");
        assertThat(process.lockedPages()).isEqualTo(1);
        unlockedApi.freeBuf(unlocked);
        assertThat(domain.trace().events(TraceKind.LIBRARY)).last().satisfies(e -> {
            assertThat(e.detail()).contains("free_buf(" + unlocked.id() + "): munlocked 1 pages");
            assertThat(e.detail()).startsWith("pid " + process.pid() + " ");
        });
    }
}
