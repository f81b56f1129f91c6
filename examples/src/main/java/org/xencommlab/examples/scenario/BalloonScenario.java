package org.xencommlab.examples.scenario;

import static org.xencommlab.examples.scenario.Workloads.check;
import static org.xencommlab.examples.scenario.Workloads.expect;

import java.util.List;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.guest.balloon.BalloonDriver;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.machine.facade.Machine;

/**
 * A guest's balloon driver gives pages back to Xen and takes them again: extents travel in the
 * reservation's array (pointer form) or inline in bounded blocks (embedded form, split into many
 * hypercalls); long requests are preempted and continued.
 */
final class BalloonScenario implements Scenario {
    static final String PAGES = "balloon-pages";
    /** The guest has room for the balloon and {@link #SPARE_PAGES} more. */
    private static final long SPARE_PAGES = 1024;
    /** Pages beyond a large balloon's extent list the guest keeps for its kernel. */
    private static final long LIST_SLACK_PAGES = 512;
    /** Frames of the 4 KiB pages the default machine has. */
    private static final long PAGE_BYTES = 4096;
    /**
     * The largest balloon the default machine can hold: its memory less dom0's, less the guest's
     * spare pages (244,736 with 1 GiB, a 64 MiB dom0 and 4 KiB pages).
     */
    static final long MAX_PAGES = maxPages(HypervisorConfig.defaults().machineMemoryBytes());

    /**
     * The largest balloon a machine of {@code machineMemoryBytes} holds (at least 1): the guest
     * needs the balloon's pages and {@link #sparePages} more.
     */
    static long maxPages(long machineMemoryBytes) {
        long available = (machineMemoryBytes - Workloads.DOM0_BYTES) / PAGE_BYTES;
        // pages + spare(pages) grows with pages: start near the answer and step to it.
        long pages = Math.max(1, available - SPARE_PAGES);
        if (pages + sparePages(pages) > available) {
            pages = Math.max(1, (available - LIST_SLACK_PAGES - 1) * 512 / 513);
        }
        while (pages > 1 && pages + sparePages(pages) > available) {
            pages--;
        }
        while (pages + 1 + sparePages(pages + 1) <= available) {
            pages++;
        }
        return pages;
    }

    /**
     * Pages the guest has beyond its balloon: {@link #SPARE_PAGES}, or, for a balloon whose extent
     * list (8 bytes a page, in the kernel's memory) needs more, the list's pages and
     * {@link #LIST_SLACK_PAGES}.
     */
    static long sparePages(long pages) {
        long listPages = (pages * 8 + PAGE_BYTES - 1) / PAGE_BYTES;
        return Math.max(SPARE_PAGES, listPages + LIST_SLACK_PAGES);
    }

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
        return parameters(HypervisorConfig.defaults().machineMemoryBytes());
    }

    @Override
    public List<ParameterSpec> parameters(long machineMemoryBytes) {
        return List.of(ParameterSpec.number(PAGES, 4096, 1, maxPages(machineMemoryBytes),
                "pages to balloon out and back in (at most what the machine holds; raise it with --set "
                        + MachineSettings.MEMORY + "=64GiB)"));
    }

    /**
     * The default machine, with a work budget per hypercall large enough for the balloon's one
     * call (a poll per extent, and an entry per continuation): the default budget, 2^22 units,
     * holds balloons of up to about 2 million pages; a larger one gets 4 units a page.
     */
    @Override
    public MachineSettings machineSettings(Parameters parameters) {
        MachineSettings defaults = MachineSettings.defaults();
        long budget = Math.max(defaults.hypervisor().workBudget(), 4 * parameters.getLong(PAGES));
        return budget == defaults.hypervisor().workBudget() ? defaults
                : new MachineSettings(defaults.hypervisor().withWorkBudget(budget), defaults.guest());
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
        long guestPages = Math.max(pages + sparePages(pages), Workloads.GUEST_BYTES / machine.pageSize().bytes());
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
