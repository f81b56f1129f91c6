package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.guest.kernel.TestKernelMemory.errno;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;

/** The process life cycle on its own: what a system call, a kill, an exit and a helper are allowed in each state. */
final class TestProcessLife {
    private final Object lock = new Object();
    private final ProcessLife life = new ProcessLife(lock, 3, 7);
    private final List<String> steps = new ArrayList<>();

    @Test
    void aKillOutsideASystemCallIsForNow() {
        assertThat(life.requestKill()).isEqualTo(ProcessLife.Kill.NOW);
        assertThat(life.isAlive()).as("the caller tears it down").isTrue();
    }

    @Test
    void aKillInsideNestedSystemCallsWaitsForTheOutermostReturn() {
        life.enterSystemCall();
        life.enterSystemCall();

        assertThat(life.requestKill()).isEqualTo(ProcessLife.Kill.AT_RETURN_TO_USER);
        assertThat(life.requestKill()).isEqualTo(ProcessLife.Kill.AT_RETURN_TO_USER);

        assertThat(life.killPending()).isTrue();
        assertThat(life.leaveSystemCall()).as("still inside the outer call").isFalse();
        assertThat(life.inSystemCall()).isTrue();
        assertThat(life.leaveSystemCall()).as("the return to user mode delivers it").isTrue();
        assertThat(life.inSystemCall()).isFalse();
    }

    @Test
    void aReturnWithNoKillPendingDeliversNothing() {
        life.enterSystemCall();
        assertThat(life.leaveSystemCall()).isFalse();
        assertThat(life.killPending()).isFalse();
        assertThatThrownBy(life::leaveSystemCall).as("a return without a call is a kernel bug").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onlyTheFirstTeardownRunsAndItsStepsRunUnderTheLock() {
        assertThat(life.beginTeardown(true, () -> steps.add("retire held=" + Thread.holdsLock(lock)))).isTrue();
        assertThat(life.beginTeardown(false, () -> steps.add("second"))).isFalse();
        assertThat(life.isAlive()).isFalse();
        assertThat(life.wasKilled()).isTrue();
        assertThat(life.requestKill()).isEqualTo(ProcessLife.Kill.NONE);

        String result = life.finishTeardown(() -> "destroyed held=" + Thread.holdsLock(lock));

        assertThat(steps).containsExactly("retire held=true");
        assertThat(result).isEqualTo("destroyed held=true");
        assertThatThrownBy(() -> life.finishTeardown(() -> "again")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFinishWithoutABeginIsAKernelBug() {
        assertThatThrownBy(() -> life.finishTeardown(() -> "x")).isInstanceOf(IllegalStateException.class);
        assertThat(life.isAlive()).isTrue();
    }

    @Test
    void anExitingProcessTakesNoSystemCallButItsHelpersStillWork() {
        life.beginTeardown(false, () -> { });

        assertThat(errno(life::enterSystemCall)).isEqualTo(XenErrno.ESRCH);
        assertThat(errno(life::checkAlive)).isEqualTo(XenErrno.ESRCH);
        assertThat(life.inSystemCall()).as("a refused call changes nothing").isFalse();
        assertThat(life.whileNotDead(() -> "pinned")).isEqualTo("pinned");
        assertThat(life.unlessDead(() -> 5L, -1L)).isEqualTo(5L);
        assertThat(life.gone().getMessage()).contains("process 7 of domain 3 has exited");
    }

    @Test
    void aDeadProcessRunsNoHelper() {
        life.beginTeardown(true, () -> { });
        life.finishTeardown(() -> null);

        assertThat(errno(() -> life.whileNotDead(() -> steps.add("helper")))).isEqualTo(XenErrno.ESRCH);
        assertThat(life.unlessDead(() -> steps.add("helper"), false)).isFalse();
        assertThat(steps).isEmpty();
        assertThat(life.gone().getMessage()).contains("was killed");
    }

    @Test
    void aKillDuringATeardownChangesNothing() {
        life.enterSystemCall();
        life.beginTeardown(false, () -> { });

        assertThat(life.requestKill()).isEqualTo(ProcessLife.Kill.NONE);
        assertThat(life.killPending()).isFalse();
        assertThat(life.leaveSystemCall()).as("nothing to deliver: it is already exiting").isFalse();
        assertThat(life.wasKilled()).isFalse();
    }
}
