package org.xencommlab.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.sched.SchedulingPoint;

/**
 * A test scheduler: records each point reached and runs an optional hook there (standing in for
 * another activity the real scheduler would switch to: a racing vCPU, a balloon, a kill).
 */
public final class TestingScheduler implements Scheduler {
    private final List<SchedulingPoint> points = new ArrayList<>();
    private BiConsumer<SchedulingPoint, Integer> hook = (point, domid) -> {};

    @Override
    public void reached(SchedulingPoint point, int domid) {
        synchronized (this) {
            points.add(point);
        }
        hook.accept(point, domid);
    }

    public void onReached(BiConsumer<SchedulingPoint, Integer> hook) {
        this.hook = hook;
    }

    public synchronized List<SchedulingPoint> points() {
        return List.copyOf(points);
    }

    public synchronized long count(SchedulingPoint point) {
        return points.stream().filter(p -> p == point).count();
    }

    public synchronized void clear() {
        points.clear();
    }
}
