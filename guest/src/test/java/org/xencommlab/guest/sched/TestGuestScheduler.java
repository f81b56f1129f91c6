package org.xencommlab.guest.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.GuestConfig;

final class TestGuestScheduler {
    private static List<String> run(long seed) {
        GuestScheduler scheduler = new GuestScheduler(GuestConfig.defaults().withSeed(seed), Trace.DISABLED);
        List<String> log = new ArrayList<>();
        scheduler.register("a", (point, domid, random) -> log.add("a" + random.nextInt(100)));
        scheduler.register("b", (point, domid, random) -> {
            if (random.nextDouble() < 0.5) {
                log.add("b@" + point + "/" + domid);
            }
        });
        for (int i = 0; i < 20; i++) {
            scheduler.reached(i % 2 == 0 ? SchedulingPoint.SYSCALL : SchedulingPoint.GUEST_READ, i % 3);
        }
        return log;
    }

    @Test
    void sameSeedSameSequenceSameSchedule() {
        assertThat(run(42)).isEqualTo(run(42));
        assertThat(run(42)).isNotEqualTo(run(43));
    }

    @Test
    void eachActivityHasItsOwnStream() {
        GuestScheduler one = new GuestScheduler(GuestConfig.defaults(), Trace.DISABLED);
        GuestScheduler two = new GuestScheduler(GuestConfig.defaults(), Trace.DISABLED);
        List<Integer> alone = new ArrayList<>();
        List<Integer> withNeighbour = new ArrayList<>();
        one.register("a", (p, d, r) -> alone.add(r.nextInt()));
        two.register("a", (p, d, r) -> withNeighbour.add(r.nextInt()));
        two.register("greedy", (p, d, r) -> r.nextLong());
        for (int i = 0; i < 5; i++) {
            one.reached(SchedulingPoint.SYSCALL, 0);
            two.reached(SchedulingPoint.SYSCALL, 0);
        }
        assertThat(alone).isEqualTo(withNeighbour);
    }

    @Test
    void tasksRunAtTheirPointInOrder() {
        GuestScheduler scheduler = new GuestScheduler(GuestConfig.defaults(), Trace.DISABLED);
        List<String> log = new ArrayList<>();
        scheduler.atPoint(3, () -> log.add("at3"));
        scheduler.defer(1, () -> log.add("deferred@" + scheduler.pointsReached()));
        scheduler.atPoint(3, () -> log.add("at3-second"));
        scheduler.reached(SchedulingPoint.SYSCALL, 0);
        assertThat(log).containsExactly("deferred@1");
        scheduler.reached(SchedulingPoint.SYSCALL, 0);
        scheduler.reached(SchedulingPoint.SYSCALL, 0);
        assertThat(log).containsExactly("deferred@1", "at3", "at3-second");
        assertThat(scheduler.pointsReached()).isEqualTo(3);
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void nestedPointsAreCountedButRunNothing() {
        GuestScheduler scheduler = new GuestScheduler(GuestConfig.defaults(), Trace.DISABLED);
        List<String> log = new ArrayList<>();
        scheduler.atPoint(1, () -> {
            log.add("outer");
            scheduler.reached(SchedulingPoint.HYPERCALL_ENTRY, 0);
        });
        scheduler.atPoint(2, () -> log.add("second"));
        scheduler.reached(SchedulingPoint.SYSCALL, 0);
        assertThat(log).containsExactly("outer");
        assertThat(scheduler.pointsReached()).isEqualTo(2);
        scheduler.reached(SchedulingPoint.SYSCALL, 0);
        assertThat(log).containsExactly("outer", "second");
    }

    @Test
    void guestErrorsInScheduledWorkStayThere() {
        GuestScheduler scheduler = new GuestScheduler(GuestConfig.defaults(), Trace.DISABLED);
        scheduler.atPoint(1, () -> {
            throw new XenException(XenErrno.ENOMEM, "no frame");
        });
        scheduler.reached(SchedulingPoint.GUEST_READ, 0);
        assertThat(scheduler.tasksRun()).isEqualTo(1);
    }

    @Test
    void aCancelledActivityStops() {
        GuestScheduler scheduler = new GuestScheduler(GuestConfig.defaults(), Trace.DISABLED);
        List<String> log = new ArrayList<>();
        GuestScheduler.Registration registration = scheduler.register("a", (p, d, r) -> log.add("ran"));
        scheduler.reached(SchedulingPoint.SYSCALL, 0);
        registration.cancel();
        scheduler.reached(SchedulingPoint.SYSCALL, 0);
        assertThat(log).hasSize(1);
    }
}
