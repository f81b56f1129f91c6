package org.xencommlab.guest.sched;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.GuestConfig;

/**
 * The machine's deterministic scheduler: one per run, shared by every domain. The hypervisor
 * reports its points (hypercall entry, each guest-memory piece, continuations) and the guest
 * kernels theirs (system-call entry, return to user mode); at each point the scheduler
 *
 * <ol>
 *   <li>counts the point (points are numbered from 1: the first point reached is point 1);</li>
 *   <li>runs the tasks due at or before it, in the order they were scheduled: work deferred
 *       with {@link #defer} (compaction's phase 2) and work pinned to a point with
 *       {@link #atPoint} (killing a process at the Nth point);</li>
 *   <li>runs the registered {@link BackgroundActivity background activities} in registration
 *       order, each with its own random stream split from the run's seed.</li>
 * </ol>
 *
 * <p>What runs is therefore a pure function of the seed and the sequence of points. A point
 * reached while the scheduler is already running something at an outer point (a clean-up that
 * issues a hypercall, say) is counted, but runs nothing: its due work waits for the next outer
 * point. Thread-safe: one thread runs a point at a time; a caller must hold none of its own locks.
 */
public final class GuestScheduler implements Scheduler {
    private final Trace trace;
    private final int migrationDelayPoints;
    private final SplittableRandom seedSource;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, List<Runnable>> due = new TreeMap<>();
    private final List<Activity> activities = new ArrayList<>();
    private long points;
    private int depth;
    private long tasksRun;

    @Inject
    public GuestScheduler(GuestConfig config, Trace trace) {
        this.trace = requireNonNull(trace, "trace is null");
        this.migrationDelayPoints = config.migrationDelayPoints();
        this.seedSource = new SplittableRandom(config.seed());
    }

    @Override
    public void reached(SchedulingPoint point, int domid) {
        lock.lock();
        try {
            points++;
            if (depth > 0) {
                return;
            }
            depth++;
            try {
                runDue(point, domid);
                for (int i = 0; i < activities.size(); i++) {
                    Activity activity = activities.get(i);
                    if (!activity.cancelled) {
                        // Inline rather than through runContained: this runs at every point, on the copy path.
                        try {
                            activity.body.run(point, domid, activity.random);
                        } catch (XenException e) {
                            traceFailure(activity.name, domid, e);
                        }
                    }
                }
            } finally {
                depth--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Points reached so far in this run. */
    public long pointsReached() {
        lock.lock();
        try {
            return points;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks run so far (deferred and pinned). */
    public long tasksRun() {
        lock.lock();
        try {
            return tasksRun;
        } finally {
            lock.unlock();
        }
    }

    /** Points between compaction's two phases (the run's {@link GuestConfig#migrationDelayPoints()}). */
    public int migrationDelayPoints() {
        return migrationDelayPoints;
    }

    /**
     * Registers a background activity; it gets its own random stream, the next one split from the
     * run's seed, so activities registered in the same order draw the same numbers.
     *
     * @return a handle that stops the activity
     */
    public Registration register(String name, BackgroundActivity activity) {
        requireNonNull(name, "name is null");
        requireNonNull(activity, "activity is null");
        lock.lock();
        try {
            Activity registered = new Activity(name, activity, seedSource.split());
            activities.add(registered);
            return () -> {
                lock.lock();
                try {
                    registered.cancelled = true;
                    activities.remove(registered);
                } finally {
                    lock.unlock();
                }
            };
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code task} at the {@code points}-th point from now (1: the next point). */
    public void defer(int points, Runnable task) {
        if (points < 1) {
            throw new IllegalArgumentException("a task is deferred by at least one point: " + points);
        }
        lock.lock();
        try {
            schedule(this.points + points, task);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code task} at point number {@code pointNumber} (counted from 1 since the run began),
     * or at the next outer point after it; a number already passed runs at the next point.
     */
    public void atPoint(long pointNumber, Runnable task) {
        lock.lock();
        try {
            schedule(pointNumber, task);
        } finally {
            lock.unlock();
        }
    }

    /** Kills {@code target} at point number {@code pointNumber} (a test kills at each point in turn). */
    public void killAtPoint(long pointNumber, Killable target) {
        requireNonNull(target, "target is null");
        atPoint(pointNumber, target::kill);
    }

    /** Tasks scheduled and not yet run. */
    public int pendingTasks() {
        lock.lock();
        try {
            int n = 0;
            for (List<Runnable> tasks : due.values()) {
                n += tasks.size();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void schedule(long pointNumber, Runnable task) {
        requireNonNull(task, "task is null");
        due.computeIfAbsent(pointNumber, k -> new ArrayList<>(2)).add(task);
    }

    private void runDue(SchedulingPoint point, int domid) {
        long now = points;
        if (due.isEmpty()) {
            return;
        }
        while (!due.isEmpty() && due.firstKey() <= now) {
            Map.Entry<Long, List<Runnable>> first = due.pollFirstEntry();
            if (trace.enabled()) {
                int n = first.getValue().size();
                trace.event(TraceKind.SCHEDULE, domid, () -> "point " + now + " (" + point + "): " + n + " scheduled task"
                        + (n == 1 ? "" : "s"));
            }
            for (Runnable task : first.getValue()) {
                tasksRun++;
                runContained(task, "task", domid);
            }
        }
    }

    /** A guest error inside scheduled work (memory short for a migration) stays there: it is traced, not thrown into whoever reached the point. */
    private void runContained(Runnable work, String name, int domid) {
        try {
            work.run();
        } catch (XenException e) {
            traceFailure(name, domid, e);
        }
    }

    private void traceFailure(String name, int domid, XenException e) {
        long at = points;
        trace.event(TraceKind.SCHEDULE, domid, () -> name + " failed at point " + at + ": " + e.getMessage());
    }

    /** Stops a registered activity. */
    @FunctionalInterface
    public interface Registration {
        void cancel();
    }

    private static final class Activity {
        final String name;
        final BackgroundActivity body;
        final SplittableRandom random;
        boolean cancelled;

        Activity(String name, BackgroundActivity body, SplittableRandom random) {
            this.name = name;
            this.body = body;
            this.random = random;
        }
    }
}
