package org.xencommlab.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;

/**
 * The part of the {@link UserProcessServices} contract that its default methods would quietly
 * drop: {@link UserProcessServices#systemCall} counts one guest system call around its body, and
 * {@link UserProcessServices#cancelAtExit} forgets a clean-up, so that it does not run at exit.
 * An arch backend leans on both (a registration or a device mmap is one system call of the tool; a
 * buffer freed the normal way cancels its exit clean-up), so every implementation, the guest
 * kernel's and every fake a backend is tested against, must keep them.
 *
 * <p>A kernel implementation runs it against itself:
 * <pre>{@code
 * final class TestGuestProcessContract extends UserProcessContract {
 *     protected UserProcessServices startProcess() { ... }
 *     protected RunMetrics metrics() { ... }
 *     protected void exit(UserProcessServices process) { ... }
 * }
 * }</pre>
 * {@link org.xencommlab.testkit.arch.ArchContract} runs the same checks against the kernel of an
 * arch module's rig.
 */
public abstract class UserProcessContract {
    /** A new live process of a kernel under test. */
    protected abstract UserProcessServices startProcess();

    /** The metrics the kernel counts into. */
    protected abstract RunMetrics metrics();

    /** Ends {@code process} as an exit does. */
    protected abstract void exit(UserProcessServices process);

    @Test
    public void aSystemCallRunsItsBodyOnceAndCountsOneGuestSystemCall() {
        UserProcessServices process = startProcess();
        try {
            checkSystemCall(process, metrics());
        } finally {
            exit(process);
        }
    }

    @Test
    public void exitRunsEachCleanUpOnceAndNotACancelledOne() {
        checkExitCleanups(startProcess(), this::exit);
    }

    /**
     * Checks that {@code process.systemCall} runs its body once, returns what it returned, and
     * counts exactly one {@link Counter#GUEST_SYSCALLS} in {@code metrics}.
     */
    public static void checkSystemCall(UserProcessServices process, RunMetrics metrics) {
        AtomicInteger runs = new AtomicInteger();
        long before = metrics.get(Counter.GUEST_SYSCALLS);
        String result = process.systemCall("contract check", () -> {
            runs.incrementAndGet();
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(runs).hasValue(1);
        assertThat(metrics.get(Counter.GUEST_SYSCALLS)).as("systemCall counts one guest system call")
                .isEqualTo(before + 1);
    }

    /**
     * Checks that ending {@code process} with {@code exit} runs each {@code atExit} clean-up exactly
     * once, and not one cancelled with {@code cancelAtExit}.
     */
    public static void checkExitCleanups(UserProcessServices process, Consumer<UserProcessServices> exit) {
        AtomicInteger kept = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        Runnable keep = kept::incrementAndGet;
        Runnable cancel = cancelled::incrementAndGet;
        process.atExit(keep);
        process.atExit(cancel);
        process.cancelAtExit(cancel);
        exit.accept(process);
        exit.accept(process);
        assertThat(List.of(kept.get(), cancelled.get())).as("runs of the kept and the cancelled clean-up").containsExactly(1, 0);
        assertThat(process.isAlive()).isFalse();
    }
}
