package org.xencommlab.examples.hostile;

import java.util.List;
import java.util.random.RandomGenerator;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.sched.BackgroundActivity;
import org.xencommlab.machine.facade.Machine;

/**
 * A background activity that counts the scheduling points at which the scheduler runs work (the
 * outer points: a point reached while other scheduled work is already running, a clean-up's own
 * hypercall say, is folded into the next outer one, as {@code killAtPoint} folds it) and, at outer
 * point number {@code target}, kills the process on whose behalf the machine reached it:
 *
 * <ol>
 *   <li>the user process of the reaching domain that is inside a system call;</li>
 *   <li>else any user process inside a system call (a dom0 tool whose call made another domain's
 *       kernel act);</li>
 *   <li>else the youngest live process of the reaching domain (the point was reached by the
 *       kernel itself, such as the balloon driver, while the process runs in user mode);</li>
 *   <li>else nothing: no process is alive (a process already tearing down is not killed twice).</li>
 * </ol>
 *
 * <p>It is registered before the scenario boots anything, in the counting run (target 0) and in
 * every kill run alike, so every activity registered after it gets the same random stream in all
 * of them; it draws no number itself. A run with a target is therefore the counting run up to
 * that point.
 */
final class PointKiller implements BackgroundActivity {
    private final Machine machine;
    private final long target;
    private long outerPoints;
    private String victim;
    private SchedulingPoint pointKilledAt;

    PointKiller(Machine machine, long target) {
        this.machine = machine;
        this.target = target;
    }

    @Override
    public void run(SchedulingPoint point, int domid, RandomGenerator random) {
        outerPoints++;
        if (outerPoints != target) {
            return;
        }
        pointKilledAt = point;
        GuestProcess chosen = choose(domid);
        if (chosen != null) {
            victim = chosen + (chosen.inSystemCall() ? " in a system call" : " in user mode");
            chosen.kill();
        }
    }

    private GuestProcess choose(int domid) {
        List<GuestKernel> kernels = machine.kernels();
        for (GuestKernel kernel : kernels) {
            if (kernel.domid() == domid) {
                for (GuestProcess process : kernel.processes()) {
                    if (process.isAlive() && process.inSystemCall()) {
                        return process;
                    }
                }
            }
        }
        for (GuestKernel kernel : kernels) {
            for (GuestProcess process : kernel.processes()) {
                if (process.isAlive() && process.inSystemCall()) {
                    return process;
                }
            }
        }
        for (GuestKernel kernel : kernels) {
            if (kernel.domid() == domid) {
                List<GuestProcess> processes = kernel.processes();
                for (int i = processes.size() - 1; i >= 0; i--) {
                    if (processes.get(i).isAlive()) {
                        return processes.get(i);
                    }
                }
            }
        }
        return null;
    }

    /** Outer points counted so far. */
    long outerPoints() {
        return outerPoints;
    }

    /** Who was killed at the target point, or null if nobody was (or the target was not reached). */
    String victim() {
        return victim;
    }

    /** The kind of point the target was, or null if it was not reached. */
    SchedulingPoint pointKilledAt() {
        return pointKilledAt;
    }
}
