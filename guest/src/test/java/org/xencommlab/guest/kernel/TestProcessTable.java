package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.guest.kernel.TestKernelMemory.errno;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;

/** The process table on its own: pids, shutdown, and the one release of the kernel's arch state. */
final class TestProcessTable {
    private final Object lock = new Object();
    private final List<String> traced = new ArrayList<>();
    private final Trace trace = new Trace() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public void event(TraceKind kind, int domid, Supplier<String> detail) {
            traced.add("d" + domid + " " + detail.get());
        }
    };
    private int kernelReleases;
    private final ProcessTable<String> table = new ProcessTable<>(lock, 4, trace, () -> kernelReleases++);

    @Test
    void pidsCountUpFromOneAndAFailedStartUsesItsPidAndEntersNothing() {
        assertThat(table.start(pid -> "p" + pid)).isEqualTo("p1");
        assertThatThrownBy(() -> table.start(pid -> {
            throw new IllegalStateException("arch bug");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(table.start(pid -> "p" + pid)).isEqualTo("p3");

        assertThat(table.all()).containsExactly("p1", "p3");
        assertThat(table.get(2)).isNull();
        assertThat(table.get(3)).isEqualTo("p3");
    }

    @Test
    void theKernelStateIsReleasedOnceAfterTheShutdownAndTheLastReap() {
        table.start(pid -> "p" + pid);
        table.start(pid -> "p" + pid);

        assertThat(table.shutDown()).containsExactly("p1", "p2");
        table.releaseKernelStateIfDone();
        assertThat(kernelReleases).as("two processes left").isZero();

        synchronized (lock) {
            table.remove(1);
        }
        table.releaseKernelStateIfDone();
        assertThat(kernelReleases).isZero();
        synchronized (lock) {
            table.remove(2);
        }
        table.releaseKernelStateIfDone();
        table.releaseKernelStateIfDone();

        assertThat(kernelReleases).isEqualTo(1);
        assertThat(table.kernelStateReleased()).isTrue();
    }

    @Test
    void noProcessStartsAfterTheShutdown() {
        table.shutDown();
        boolean[] made = new boolean[1];

        assertThat(errno(() -> table.start(pid -> {
            made[0] = true;
            return "late";
        }))).isEqualTo(XenErrno.ESRCH);

        assertThat(made[0]).isFalse();
        assertThat(table.all()).isEmpty();
    }

    @Test
    void anEmptyTableReleasesOnlyOnceShutDown() {
        table.releaseKernelStateIfDone();
        assertThat(kernelReleases).isZero();
        assertThat(table.kernelStateReleased()).isFalse();
        table.shutDown();
        table.releaseKernelStateIfDone();
        assertThat(kernelReleases).isEqualTo(1);
    }

    @Test
    void aReleaseThatThrowsIsCountedAndTracedNotThrown() {
        table.runRelease(() -> {
            throw new IllegalStateException("arch bug at release");
        }, "arch state of pid 9");
        table.runRelease(() -> { }, "arch state of pid 10");

        assertThat(table.releaseFailures()).isEqualTo(1);
        assertThat(traced).singleElement().asString().startsWith("d4 release of the arch state of pid 9 failed");
    }
}
