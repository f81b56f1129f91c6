package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.VcpuArgumentPages;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.testing.TestingMachine;

/**
 * A kernel's per-vCPU argument pages: allocated once per vCPU and pair, an input page and the
 * output page right after it; busy until the lease is given back; a caller on another thread
 * waits, one nested under the holder takes the backup pair, and a third is EBUSY; each wait
 * counted once.
 */
final class TestKernelVcpuPages {
    private static final Counter WAITS = Counter.define("testingVcpuPageWaits", "waits in TestKernelVcpuPages", "waits");

    private final TestingMachine machine = new TestingMachine(GuestConfig.defaults().withVcpus(2), true);
    private final GuestKernel kernel = machine.boot(1, 1024);

    @Test
    void aVcpusPairIsAllocatedOnceAndTheOutputPageFollowsTheInputPage() {
        int blocks = kernel.kernelBlocksLive();
        VcpuArgumentPages pages = kernel.vcpuArgumentPages().orElseThrow();
        assertThat(pages.vcpu()).isZero();
        assertThat(pages.pageBytes()).isEqualTo(4096);
        long input;
        try (VcpuArgumentPages.Lease lease = pages.acquire(WAITS)) {
            input = lease.input().reference().value();
            assertThat(lease.output().reference().value()).isEqualTo(input + 4096);
            lease.input().write(0, new byte[] {1, 2, 3}, 0, 3);
            byte[] back = new byte[3];
            lease.input().read(0, back, 0, 3);
            assertThat(back).containsExactly(1, 2, 3);
            assertThat(lease.backup()).isFalse();
        }
        try (VcpuArgumentPages.Lease lease = pages.acquire(WAITS)) {
            assertThat(lease.input().reference().value()).isEqualTo(input);
        }
        assertThat(kernel.vcpuPages().pairsAllocated()).isEqualTo(1);
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks + 1);
        assertThat(machine.metrics.get(WAITS)).isZero();
        assertThat(kernel.vcpuPages().anyBusy()).isFalse();
    }

    @Test
    void aCallNestedUnderTheHolderTakesTheBackupPairAndCountsAWaitAndAThirdIsEbusy() {
        VcpuArgumentPages pages = kernel.vcpuArgumentPages().orElseThrow();
        VcpuArgumentPages.Lease holder = pages.acquire(WAITS);
        VcpuArgumentPages.Lease nested = pages.acquire(WAITS);
        assertThat(nested.backup()).isTrue();
        assertThat(nested.input().reference()).isNotEqualTo(holder.input().reference());
        assertThat(machine.metrics.get(WAITS)).isEqualTo(1);

        assertThatThrownBy(() -> pages.acquire(WAITS)).isInstanceOfSatisfying(XenException.class,
                e -> assertThat(e.errno()).isEqualTo(XenErrno.EBUSY));
        assertThat(machine.metrics.get(WAITS)).as("a refused call took nothing").isEqualTo(1);
        assertThat(kernel.vcpuPages().pairsAllocated()).isEqualTo(2);

        nested.close();
        nested.close();
        try (VcpuArgumentPages.Lease again = pages.acquire(WAITS)) {
            assertThat(again.backup()).isTrue();
        }
        holder.close();
        try (VcpuArgumentPages.Lease free = pages.acquire(WAITS)) {
            assertThat(free.backup()).isFalse();
        }
        assertThat(machine.metrics.get(WAITS)).isEqualTo(2);
        assertThat(kernel.vcpuPages().pairsAllocated()).isEqualTo(2);
    }

    @Test
    void aCallThatInterruptsTheFirstPairsSetUpTakesTheBackupPairAndNoBlockIsLost() {
        int blocks = kernel.kernelBlocksLive();
        VcpuArgumentPages pages = kernel.vcpuArgumentPages().orElseThrow();
        AtomicReference<VcpuArgumentPages.Lease> nested = new AtomicReference<>();
        // A confidential VM's conversion has scheduling points: another call on this vCPU runs there.
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        machine.xencomm.whileKeepingReachable(block -> {
            if (interrupted.compareAndSet(false, true)) {
                nested.set(pages.acquire(WAITS));
            }
        });

        VcpuArgumentPages.Lease outer = pages.acquire(WAITS);

        assertThat(outer.backup()).isFalse();
        assertThat(nested.get().backup()).as("the primary pair is the interrupted call's").isTrue();
        assertThat(nested.get().input().reference()).isNotEqualTo(outer.input().reference());
        long primary = outer.input().reference().value();
        nested.get().close();
        outer.close();
        assertThat(kernel.vcpuPages().pairsAllocated()).isEqualTo(2);
        assertThat(kernel.kernelBlocksLive()).as("both pairs are the kernel's, none lost").isEqualTo(blocks + 2);
        try (VcpuArgumentPages.Lease again = pages.acquire(WAITS)) {
            assertThat(again.input().reference().value()).isEqualTo(primary);
        }
        assertThat(kernel.vcpuPages().anyBusy()).isFalse();
    }

    @Test
    void aCallOnAnotherThreadWaitsUntilThePairIsGivenBack() throws InterruptedException {
        VcpuArgumentPages pages = kernel.vcpuArgumentPages().orElseThrow();
        VcpuArgumentPages.Lease holder = pages.acquire(WAITS);
        AtomicReference<VcpuArgumentPages.Lease> got = new AtomicReference<>();
        Thread other = new Thread(() -> got.set(pages.acquire(WAITS)));
        other.start();
        while (other.getState() != Thread.State.WAITING && other.isAlive()) {
            Thread.onSpinWait();
        }
        assertThat(got.get()).as("still waiting").isNull();
        holder.close();
        other.join();
        assertThat(got.get().backup()).isFalse();
        assertThat(machine.metrics.get(WAITS)).isEqualTo(1);
        got.get().close();
    }

    @Test
    void eachVcpuHasItsOwnPair() {
        VcpuArgumentPages.Lease zero = kernel.vcpuPages().forVcpu(0).acquire(WAITS);
        VcpuArgumentPages.Lease one = kernel.vcpuPages().forVcpu(1).acquire(WAITS);
        assertThat(one.backup()).isFalse();
        assertThat(one.input().reference()).isNotEqualTo(zero.input().reference());
        assertThat(machine.metrics.get(WAITS)).isZero();
        zero.close();
        one.close();
    }

    @Test
    void aKernelCallsPagesHaveNoUserMemoryAndAGivenBackLeaseIsRefused() {
        VcpuArgumentPages.Lease lease = kernel.vcpuArgumentPages().orElseThrow().acquire(WAITS);
        assertThatThrownBy(() -> lease.copyFromUser(0x1000, 0, 8)).isInstanceOf(IllegalStateException.class);
        lease.close();
        assertThatThrownBy(() -> lease.input().write(0, new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> lease.copyToUser(0, 0x1000, 8)).isInstanceOf(IllegalStateException.class);
    }
}
