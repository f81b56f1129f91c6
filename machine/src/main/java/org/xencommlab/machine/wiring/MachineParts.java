package org.xencommlab.machine.wiring;

import static java.util.Objects.requireNonNull;

import com.google.inject.Injector;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.machine.facade.Machine;

/**
 * A wired machine with the parts of its run's injector that a hostile-guest harness needs besides
 * the {@link Machine} facade ({@code xencomm-lab fuzz}): the arch's guest half (to make native
 * kernel references), its page-table format (to rewrite entries behind a kernel's back) and the
 * hypervisor's domain table (dirty logs, arch state for recounts). Taken from the injector here,
 * since only the composition root may use one.
 *
 * @param machine the machine
 * @param xencomm the arch's guest half
 * @param pageTableFormat the arch's page-table format
 * @param domains the hypervisor's domain table
 */
public record MachineParts(Machine machine, GuestXencomm xencomm, PageTableFormat pageTableFormat, DomainTable domains) {
    public MachineParts {
        requireNonNull(machine, "machine is null");
        requireNonNull(xencomm, "xencomm is null");
        requireNonNull(pageTableFormat, "pageTableFormat is null");
        requireNonNull(domains, "domains is null");
    }

    /** Wires one run of {@code configuration} and takes its parts. */
    public static MachineParts wire(RunInjectors injectors, LabConfiguration configuration, RunEnvironment environment) {
        Injector injector = injectors.injector(configuration, environment);
        return new MachineParts(injector.getInstance(Machine.class), injector.getInstance(GuestXencomm.class),
                injector.getInstance(PageTableFormat.class), injector.getInstance(DomainTable.class));
    }
}
