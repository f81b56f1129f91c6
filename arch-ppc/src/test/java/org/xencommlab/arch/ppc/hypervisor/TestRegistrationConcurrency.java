package org.xencommlab.arch.ppc.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.pattern;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationOp;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingMachine;

/** Real threads registering, copying and unregistering in one domain's table at once. */
final class TestRegistrationConcurrency {
    private static final int THREADS = 4;
    private static final int ROUNDS = 300;
    private static final int PAGE = 4096;

    @Test
    void concurrentRegistrationsNeverCrossAndLeaveNothingBehind() throws Exception {
        TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMaxRegistrations(6));
        TestingDomain domain = machine.createDomain(0, 1024, 1 << 20);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> run(machine, domain, thread, start)));
            }
            int registered = 0;
            int full = 0;
            for (Future<int[]> result : results) {
                int[] counts = result.get(60, TimeUnit.SECONDS);
                registered += counts[0];
                full += counts[1];
            }
            assertThat(registered + full).isEqualTo(THREADS * ROUNDS * 2);
            assertThat(registered).isPositive();
            assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isEqualTo(registered);
            assertThat(machine.metrics().get(PpcMetrics.UNREGISTRATIONS)).isEqualTo(registered);
            assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isZero();
            assertThat(machine.metrics().peak(Gauge.REGISTRATIONS_LIVE)).isLessThanOrEqualTo(6);
            RegistrationTable table = domain.archState().registrationTable();
            assertThat(table.liveCount()).isZero();
            assertThat(table.heapCharged()).isEqualTo(table.leaves() * RegistrationTable.LEAF_HEAP_BYTES);
            assertThat(domain.heap().used()).isEqualTo(table.heapCharged());
            assertThat(domain.totalPins()).isZero();
            assertThat(machine.foreignReaches()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    // Each thread owns frames 100 + 200 * thread .. and its own list page; two buffers per round.
    private static int[] run(TestingMachine machine, TestingDomain domain, int thread, CyclicBarrier start) throws Exception {
        long listAddress = (2L + thread * 2) * PAGE;
        long firstFrame = 100 + 200L * thread;
        int registered = 0;
        int full = 0;
        start.await();
        for (int round = 0; round < ROUNDS; round++) {
            long[] bufids = new long[2];
            for (int b = 0; b < 2; b++) {
                long[] gfns = {firstFrame + (round % 50) * 2 + b, firstFrame + 150 + b};
                byte[] content = pattern(thread * 1000 + round * 2 + b, 16);
                domain.memory().write(gfns[0] * PAGE, content, 0, 16);
                byte[] list = new byte[16];
                ByteBuffer.wrap(list).order(ByteOrder.BIG_ENDIAN).putLong(gfns[0]).putLong(gfns[1]);
                domain.memory().write(listAddress, list, 0, 16);
                long bufid = machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER, PpcMemref.inline(listAddress), 2);
                if (bufid == XenErrno.ENOSPC.asResult()) {
                    full++;
                    continue;
                }
                assertThat(bufid).isPositive();
                registered++;
                bufids[b] = bufid;
                byte[] read = new byte[16];
                long notCopied = machine.context(0).guest().copyFromGuest(read, 0, new MemoryReference(bufid), 0, 16);
                assertThat(notCopied).isZero();
                assertThat(read).isEqualTo(content);
            }
            for (long bufid : bufids) {
                if (bufid != 0) {
                    assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.UNREGISTER, bufid)).isZero();
                    assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.UNREGISTER, bufid))
                            .isEqualTo(XenErrno.ENOENT.asResult());
                }
            }
        }
        return new int[] {registered, full};
    }
}
