package org.xencommlab.hypervisor.entry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps.ConsoleIo;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * Real threads: vCPUs writing the console from frames a balloon thread keeps giving back and
 * taking again. Every call returns 0 or -EFAULT, nothing throws, and the accounting recounts.
 */
final class TestConcurrentEntry {
    private static final int PAGE = 4096;

    @Test
    void consoleWritesRaceWithBallooningSafely() throws InterruptedException {
        TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(4L << 20).withPreemptionPolls(1)
                .withConsoleAccess(HypervisorConfig.ConsoleAccess.VERBOSE_DEBUG));
        m.hypervisor.createDomain(DomainSpec.guest(1, 8L * PAGE).withVcpus(3));
        Domain domain = m.domains.lookup(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> results = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int v = 0; v < 3; v++) {
            int vcpu = v;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 400; i++) {
                        long handle = (long) ((i + vcpu) % 8) * PAGE + 3000;
                        results.add(m.entry.hypercall(1, vcpu, HypercallNumber.CONSOLE_IO, ConsoleIo.WRITE, 1500, handle));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        threads.add(new Thread(() -> {
            try {
                start.await();
                for (int i = 0; i < 400; i++) {
                    long gfn = 1 + i % 6;
                    domain.decreaseReservation(gfn, 0);
                    domain.populatePhysmap(gfn, 0);
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        }));
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(results).hasSize(1200).allMatch(r -> r == 0 || r == XenErrno.EFAULT.asResult());
        assertThat(m.metrics.get(Counter.HYPERCALLS)).isEqualTo(1200);
        assertThat(m.entry.containedFailures()).isZero();
        assertThat(domain.totPages()).isEqualTo(8);
        assertThat(m.hypervisor.audit()).isEmpty();
    }
}
