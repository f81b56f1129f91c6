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
        assertThat(domain.trace().events(TraceKind.LIBRARY)).extracting(e -> e.detail())
                .anySatisfy(d -> assertThat(d).contains("buffer " + locked.id()).contains("1 pages mlocked"))
                .anySatisfy(d -> assertThat(d).contains("buffer " + unlocked.id()).contains("1 pages left unlocked"));
        assertThat(process.lockedPages()).isEqualTo(1);
        unlockedApi.freeBuf(unlocked);
        assertThat(domain.trace().events(TraceKind.LIBRARY)).last().satisfies(e -> {
            assertThat(e.detail()).contains("free_buf(" + unlocked.id() + "): munlocked 1 pages");
            assertThat(e.detail()).startsWith("pid " + process.pid() + " ");
        });
    }
}
