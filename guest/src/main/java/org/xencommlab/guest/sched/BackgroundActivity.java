package org.xencommlab.guest.sched;

import java.util.random.RandomGenerator;
import org.xencommlab.api.sched.SchedulingPoint;

/**
 * Work the scheduler may run at a scheduling point: a kernel's swapper under memory pressure,
 * its compaction pass. An implementation must draw every random choice from {@code random} (its
 * own stream, split from the run's seed) and take only its own locks, so that what it does is a
 * function of the seed and the sequence of points.
 */
@FunctionalInterface
public interface BackgroundActivity {
    /**
     * Runs at scheduling point {@code point}, reached by domain {@code domid}.
     *
     * @param random this activity's own random stream
     */
    void run(SchedulingPoint point, int domid, RandomGenerator random);
}
