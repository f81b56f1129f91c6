package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.util.List;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.examples.machine.Machine;
import org.xencommlab.guest.balloon.BalloonDriver;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * A guest's balloon driver gives pages back to Xen and takes them again: extents travel in the
 * reservation's array (pointer form) or inline in bounded blocks (embedded form, split into many
 * hypercalls); long requests are preempted and continued.
 */
final class BalloonScenario implements Scenario {
    static final String PAGES = "balloon-pages";
    /** The guest has room for the balloon and {@link #SPARE_PAGES} more. */
    private static final long SPARE_PAGES = 1024;
    /** Frames of the 4 KiB pages the default machine has. */
    private static final long PAGE_BYTES = 4096;
    /**
     * The largest balloon the default machine can hold: its memory less dom0's, less the guest's
     * spare pages (244,736 with 1 GiB, a 64 MiB dom0 and 4 KiB pages).
     */
    static final long MAX_PAGES = (HypervisorConfig.defaults().machineMemoryBytes() - Workloads.DOM0_BYTES) / PAGE_BYTES
            - SPARE_PAGES;

    @Override
    public String name() {
        return "balloon";
    }

    @Override
    public String summary() {
        return "a guest's balloon driver returns N pages to Xen and takes them back (memory_op, continuations)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(PAGES, 4096, 1, MAX_PAGES, "pages to balloon out and back in"));
    }

    @Override
    public String sizeParameter() {
        return PAGES;
    }

    @Override
    public List<Long> sweepValues() {
        return List.of(1024L, 4096L, 16384L);
    }

    @Override
    public void run(Machine machine, Parameters parameters) {
        long pages = parameters.getLong(PAGES);
        machine.bootDom0(Workloads.DOM0_BYTES);
        long guestPages = Math.max(pages + SPARE_PAGES, Workloads.GUEST_BYTES / machine.pageSize().bytes());
        GuestKernel guest = machine.bootGuest(1, guestPages * machine.pageSize().bytes());
        BalloonDriver balloon = machine.balloon(guest);
        long before = Workloads.totPages(machine, 1);

        long given = expect("balloon inflate", () -> balloon.inflate(pages));
        check(given == pages, "balloon inflated " + given + " of " + pages + " pages");
        check(Workloads.totPages(machine, 1) == before - pages, "Xen holds " + Workloads.totPages(machine, 1) + " pages for the guest, expected "
                + (before - pages));
        long taken = expect("balloon deflate", () -> balloon.deflate(pages));
        check(taken == pages, "balloon deflated " + taken + " of " + pages + " pages");
        check(Workloads.totPages(machine, 1) == before, "the guest did not get its pages back");
    }

}
