package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.guest.sched.BackgroundActivity;

/**
 * {@code --race}: the attacker's second vCPU, in effect. At scheduling points the attacker's domain
 * reaches while one of its calls is in the hypervisor, it
 * <ul>
 *   <li>rewrites an 8-byte word of the call's argument memory (the arena or a tool buffer);</li>
 *   <li>has its kernel take a page of the tool's buffers out from under its page-table entry
 *       (swapped out, or migrated to another frame);</li>
 *   <li>frees one of the tool's buffers (ppc: unregisters it, so its bufid goes stale);</li>
 *   <li>gives one of its frames back to Xen (decrease_reservation on a frame its handles name).</li>
 * </ul>
 * Everything it draws comes from the scheduler's stream for it, so a run is a function of the seed.
 */
final class RaceActivity implements BackgroundActivity {
    private final Attacker attacker;
    private boolean active;
    private long actions;
    private long failures;

    RaceActivity(Attacker attacker) {
        this.attacker = requireNonNull(attacker, "attacker is null");
    }

    void active(boolean on) {
        active = on;
    }

    long actions() {
        return actions;
    }

    @Override
    public void run(SchedulingPoint point, int domid, RandomGenerator random) {
        if (!active || domid != attacker.domid() || random.nextInt(4) != 0) {
            return;
        }
        actions++;
        SplittableRandom r = new SplittableRandom(random.nextLong());
        try {
            act(r);
        } catch (EscapedException e) {
            throw e; // out of the hypervisor's gate: the entry of the call being raced counts it
        } catch (RuntimeException e) {
            // The attacker's own kernel failed over its own earlier damage (a page it gave away):
            // counted, and kept out of the hypervisor, which would otherwise take it for its own bug.
            failures++;
        }
    }

    /** Actions that failed in the attacker's own kernel. */
    long failures() {
        return failures;
    }

    private void act(SplittableRandom r) {
        switch (r.nextInt(6)) {
            case 0, 1 -> {
                byte[] word = new byte[8];
                LittleEndian.putU64(word, 0, attacker.word(r));
                attacker.writeArena(r.nextInt(0, Attacker.ARENA_BYTES / 8) * 8, word);
            }
            case 2 -> {
                List<BufferSlice> slices = attacker.slices();
                if (!slices.isEmpty()) {
                    BufferSlice slice = slices.get(r.nextInt(slices.size()));
                    byte[] word = new byte[8];
                    LittleEndian.putU64(word, 0, attacker.word(r));
                    try {
                        attacker.writeTool(slice.userAddress() + r.nextInt(0, Math.max(1, slice.length() - 8)), word);
                    } catch (XenException e) {
                        // the page is swapped out or the process is gone: nothing written
                    }
                }
            }
            case 3 -> {
                List<BufferSlice> slices = attacker.slices();
                if (!slices.isEmpty()) {
                    BufferSlice slice = slices.get(r.nextInt(slices.size()));
                    long page = attacker.pageSize().roundDown(slice.userAddress() + r.nextInt(0, slice.length()));
                    if (r.nextBoolean()) {
                        attacker.kernel().swapOutPage(attacker.tool().process(), page);
                    } else {
                        attacker.kernel().startMigration(attacker.tool().process(), page);
                    }
                }
            }
            case 4 -> attacker.dropBuffer(r);
            default -> attacker.giveFrameBack(r);
        }
    }
}
