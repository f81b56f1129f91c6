package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

/**
 * What the buffer APIs answer once their process is dying or dead: ESRCH, before anything of the
 * process is touched, and no state changes. A packed heap with room left would otherwise reach
 * for the dead process's memory; a free refused during the exit (from a clean-up that runs before
 * the API's own) leaves the buffer live until the exit drops it. The device gives its pages back
 * when the mapping closes, and says so.
 */
final class TestBuffersWhileTheProcessDies {
    private final TestingDomain domain = new TestingDomain(1024);
    private final TestingUserProcessServices process = domain.process(64);

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        return null;
    }

    @Test
    void aPackedAllocationAfterTheExitIsEsrchEvenWithRoomLeftInTheHeap() {
        MlockedBufferApi api = new MlockedBufferApi(process, X86BufferConfig.Alignment.NONE);
        api.allocBuf(1); // maps a heap segment of 32 pages with room for more
        process.exit();

        assertThat(errnoOf(() -> api.allocBuf(1))).isEqualTo(XenErrno.ESRCH);
        assertThat(api.liveBuffers()).isEmpty();
    }

    @Test
    void aFreeRefusedDuringTheExitLeavesTheBufferLive() {
        List<Object> seen = new ArrayList<>();
        MlockedBufferApi[] api = new MlockedBufferApi[1];
        HypercallBuffer[] buffer = new HypercallBuffer[1];
        // Registered before the API's own clean-up, so it runs while the process is dying.
        process.atExit(() -> {
            seen.add(errnoOf(() -> api[0].freeBuf(buffer[0])));
            seen.add(api[0].liveBuffers().contains(buffer[0]));
            seen.add(errnoOf(() -> api[0].allocBuf(1)));
        });
        api[0] = new MlockedBufferApi(process, X86BufferConfig.Alignment.PAGE);
        buffer[0] = api[0].allocBuf(2);

        process.exit();

        assertThat(seen).containsExactly(XenErrno.ESRCH, true, XenErrno.ESRCH);
        assertThat(api[0].liveBuffers()).as("dropped by the exit").isEmpty();
    }

    @Test
    void aPackedAllocationDuringTheExitIsEsrchBeforeTheHeapIsTouched() {
        List<Object> seen = new ArrayList<>();
        MlockedBufferApi[] api = new MlockedBufferApi[1];
        // Runs while the process is dying: its memory is gone, the API's heap bookkeeping not yet.
        process.atExit(() -> seen.add(errnoOf(() -> api[0].allocBuf(1))));
        api[0] = new MlockedBufferApi(process, X86BufferConfig.Alignment.NONE);
        api[0].allocBuf(1); // the heap segment has room for more

        process.exit();

        assertThat(seen).containsExactly(XenErrno.ESRCH);
    }

    @Test
    void aDeviceMappingThatClosesGivesItsPagesBackAndSaysSo() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 8);
        HypercallBuffer buffer = device.allocBuf(3);
        device.freeBuf(buffer);

        assertThat(device.allocatedPages()).isZero();
        assertThat(domain.trace().events(TraceKind.LIBRARY)).map(TraceEvent::detail)
                .contains("pid " + process.pid() + " hypercall device mapping closed: 3 pages back to the kernel");
    }
}
