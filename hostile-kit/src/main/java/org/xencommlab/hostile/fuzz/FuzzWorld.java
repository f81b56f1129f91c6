package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.domain.DomainSpec;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.MachineParts;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * One configuration's machine under attack: a small machine (24 MiB: the audit after every call recounts all of it) with an attacker domain and
 * two honest domains, wired exactly as the lab wires it. An unprivileged attacker is domain 1
 * beside dom0 and domain 2; a privileged one is dom0 beside domains 1 and 2. Every domain may
 * write the console (Xen's {@code CONFIG_VERBOSE_DEBUG}), so that guests' console writes reach
 * the handler and what the hypervisor prints for the attacker can be scanned.
 *
 * <p>Call {@code i} of a session is generated from its own stream, derived from the seed and
 * {@code i} alone; so a subsequence of calls replays each call as it was generated (given the same
 * attacker state), which is what shrinking needs.
 */
public final class FuzzWorld {
    /** The honest workload runs before every call whose index is a multiple of this. */
    public static final int WORK_EVERY = 8;

    private final Machine machine;
    private final Attacker attacker;
    private final HostileCalls calls;
    private final BreachChecks checks;
    private final List<HonestDomain> honest = new ArrayList<>();
    private final RaceActivity race;
    private final long seed;
    private final Trace trace;
    private final PlantedDefect planted;
    private final ResolutionCheck resolution;
    private final boolean privileged;
    private final DomainTable domains;
    /** Whether the attacker's kernel keeps a dead tool's registrations and their pins (ppc's {@code cleanup=off}). */
    private final boolean keepsDeadRegistrations;
    private boolean ended;
    private boolean exitAuditSkipped;
    private long selfHarm;

    /**
     * @param planted a defect planted after every call, for tests ({@link PlantedDefect#NONE} otherwise)
     */
    public FuzzWorld(RunInjectors injectors, LabConfiguration configuration, long seed, boolean race, boolean privileged,
            Trace trace, PlantedDefect planted) {
        requireNonNull(injectors, "injectors is null");
        this.seed = seed;
        this.trace = requireNonNull(trace, "trace is null");
        this.planted = requireNonNull(planted, "planted is null");
        this.privileged = privileged;
        RunEnvironment environment = RunEnvironment.defaults(seed).withTrace(trace).withHypervisor(HypervisorConfig.defaults()
                .withMachineMemoryBytes(24L << 20)
                .withConsoleAccess(HypervisorConfig.ConsoleAccess.VERBOSE_DEBUG)
                .withConsole(127, 16 << 10, 4096));
        // The arch as the lab wires it, with its hypervisor half behind the resolution check.
        this.resolution = new ResolutionCheck();
        RunInjectors checked = new RunInjectors(PluginRegistry.withArchs(
                List.of(new CheckedArchPlugin(injectors.registry().arch(configuration.arch()), resolution)),
                injectors.registry().loader()));
        MachineParts parts = MachineParts.wire(checked, configuration, environment);
        this.machine = parts.machine();
        this.domains = parts.domains();
        this.keepsDeadRegistrations = "off".equals(configuration.archParameters().get("cleanup"));
        long tag = Canary.tag(seed);
        GuestKernel attackerKernel;
        if (privileged) {
            attackerKernel = machine.boot(DomainSpec.dom0(4L << 20));
            honest.add(new HonestDomain(machine, machine.bootGuest(1, 2L << 20), tag));
        } else {
            honest.add(new HonestDomain(machine, machine.bootDom0(2L << 20), tag));
            attackerKernel = machine.bootGuest(1, 4L << 20);
        }
        honest.add(new HonestDomain(machine, machine.bootGuest(2, 2L << 20), tag));
        this.attacker = new Attacker(machine, attackerKernel, parts.xencomm(), parts.pageTableFormat(), honest, privileged);
        this.calls = new HostileCalls(attacker);
        this.checks = new BreachChecks(machine.hypervisor(), parts.domains(), machine.pageSize(),
                honest, attacker.domid(), privileged, tag, resolution);
        if (race) {
            this.race = new RaceActivity(attacker);
            machine.scheduler().register("fuzz race", this.race);
        } else {
            this.race = null;
        }
    }

    /** Checks the set-up itself (a configuration broken before the first call is a breach too). */
    public Optional<Breach> checkSetUp() {
        Optional<Breach> resolved = checks.resolutions(-1);
        return resolved.isPresent() ? resolved : checks.state(-1);
    }

    /**
     * Ends the session after call {@code lastCall}, as a lab run ends: the attacker's tools exit
     * (and the honest domains' with them: every process of the machine is stopped), and the world
     * checks that nothing is left behind ({@link ExitAudit}): what the kernels held for processes
     * (locked pages, device bytes, process page tables, swap slots, kernel blocks besides the
     * attacker's arenas, user frames beyond what Xen still pins), the hypervisor's audit and heap;
     * then the attacker's domain is destroyed and must leave nothing on the hypervisor's side
     * either. A {@code leak-at-exit} breach names what was left; a {@code resolution} breach is
     * what the arch resolved outside a domain's RAM meanwhile. The world is finished afterwards.
     */
    public Optional<Breach> end(long lastCall) {
        if (ended) {
            throw new IllegalStateException("the session has ended already");
        }
        ended = true;
        if (race != null) {
            race.active(false);
        }
        String when = "once every process ended after call " + lastCall + ": ";
        // As Machine.stopAllProcesses, kernel by kernel, the attacker's last: its own kernel may
        // trip over what it did to itself (a page table of its own rewritten through a hypercall).
        List<GuestKernel> kernels = new ArrayList<>(machine.kernels());
        kernels.sort(java.util.Comparator.comparing(k -> k.domid() == attacker.domid()));
        for (GuestKernel kernel : kernels) {
            try {
                kernel.shutdown();
            } catch (RuntimeException e) {
                StackTraceElement[] where = e.getStackTrace();
                if (kernel.domid() == attacker.domid()
                        && (attacker.lostOwnMemory() || where.length > 0 && isGuestKernel(where[0].getClassName()))) {
                    // Its self-harm: its kernel gave its own memory away, or tripped over its own
                    // structures (rewritten through its calls). What it holds can no longer be judged.
                    exitAuditSkipped = true;
                    return Optional.empty();
                }
                return Optional.of(new Breach(lastCall, "leak-at-exit", when + "ending d" + kernel.domid()
                        + "'s processes threw " + e + (where.length == 0 ? "" : " at " + where[0])));
            }
        }
        if (attacker.cleanupFailures() > 0 && attacker.lostOwnMemory()) {
            // A driver clean-up of the attacker's failed in a kernel that had given its own memory
            // away (a "no RAM at" fault): what it left says nothing about the hypervisor or the arch.
            exitAuditSkipped = true;
            return Optional.empty();
        }
        Optional<Breach> resolved = checks.resolutions(lastCall);
        if (resolved.isPresent()) {
            return resolved;
        }
        // A kernel that keeps a dead tool's registrations keeps their pins too. If the attacker's
        // own kernel code unregistered one of its tool's buffers with a raw call, Xen let go of its
        // frames but the driver, which cannot know, still pins them: the attacker's self-harm,
        // allowed frame by frame, and nothing else. A kernel that cleans up gets no such allowance.
        long unpinnedBehindDriver = keepsDeadRegistrations
                ? attacker.toolFramesXenNoLongerPins(domains.lookup(attacker.domid()))
                : 0;
        List<String> leaks = new ArrayList<>(
                ExitAudit.guestSide(machine, attacker.domid(), attacker.arenasHeld(), unpinnedBehindDriver));
        leaks.addAll(ExitAudit.hypervisorSide(machine.hypervisor()));
        if (leaks.isEmpty()) {
            leaks.addAll(ExitAudit.afterDestroy(machine.hypervisor(), attacker.domid()).stream()
                    .map(leak -> "after d" + attacker.domid() + " was destroyed: " + leak).toList());
            resolved = checks.resolutions(lastCall);
            if (resolved.isPresent()) {
                return resolved;
            }
        }
        return leaks.isEmpty() ? Optional.empty()
                : Optional.of(new Breach(lastCall, "leak-at-exit", when + String.join("; ", leaks)));
    }

    /** The stream call {@code index} of a session with {@code seed} is generated from. */
    public static SplittableRandom callRandom(long seed, long index) {
        return new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L ^ (index + 1) * 0xC2B2_AE3D_27D4_EB4FL);
    }

    /** The outcome of one call: what was issued, and a breach if one was found after it. */
    public record Step(HostileCall call, Optional<Breach> breach) {}

    /** Runs call {@code index}: the honest workload (every {@link #WORK_EVERY}), the call, the checks. */
    public Step step(long index) {
        if (index % WORK_EVERY == 0) {
            for (int i = 0; i < honest.size(); i++) {
                if (checks.takenByPrivilegedAttacker(i)) {
                    continue; // dom0 took its memory: what its tool sees is no longer the hypervisor's doing
                }
                Optional<String> problem = honest.get(i).work(machine.hypervisor());
                if (problem.isPresent() && !checks.takenByPrivilegedAttacker(i)) {
                    return new Step(new HostileCall("honest", 0, new long[0], 0),
                            Optional.of(new Breach(index, "honest-workload", problem.get())));
                }
            }
        }
        try {
            attacker.healArena();
            attacker.replenish();
        } catch (XenException e) {
            // the attacker's tool cannot have its buffers back (its memory was given away): it goes on without
        } catch (RuntimeException e) {
            StackTraceElement[] where = e.getStackTrace();
            if (where.length == 0 || !isGuestKernel(where[0].getClassName())) {
                throw e;
            }
            selfHarm++; // its kernel's page-fault path cannot map a page it gave away
        }
        checks.beforeCall();
        HostileCall call;
        trace.event(TraceKind.LIBRARY, attacker.domid(), () -> "fuzz call " + index);
        try {
            if (race != null) {
                race.active(true);
            }
            call = calls.issue(callRandom(seed, index));
        } catch (EscapedException e) {
            StackTraceElement[] where = e.getCause().getStackTrace();
            if (where.length > 0 && isGuestKernel(where[0].getClassName())) {
                // The attacker's own kernel tripped over what its earlier calls did to it (gave a
                // page of its process back to Xen, say): a guest's self-harm, not the hypervisor's.
                selfHarm++;
                call = new HostileCall("self-harm", -1, new long[0], 0);
            } else {
                String at = where.length == 0 ? "" : " at " + where[0];
                return new Step(new HostileCall("escaped", -1, new long[0], 0),
                        Optional.of(new Breach(index, "exception", e.getMessage() + at)));
            }
        } catch (XenException e) {
            // The attacker's own kernel refused to prepare the call (its arena was given back, say):
            // nothing reached the hypervisor.
            call = new HostileCall("self-refused", -1, new long[0], e.asResult());
        } catch (RuntimeException e) {
            StackTraceElement[] where = e.getStackTrace();
            String at = where.length == 0 ? "" : " at " + where[0];
            return new Step(new HostileCall("harness", -1, new long[0], 0),
                    Optional.of(new Breach(index, "harness", "the fuzzer's own guest-side code threw " + e + at)));
        } finally {
            if (race != null) {
                race.active(false);
            }
        }
        planted.after(call, this);
        HostileCall issued = call;
        trace.event(TraceKind.LIBRARY, attacker.domid(), issued::describe);
        return new Step(call, checks.afterCall(index, call));
    }

    /** A planted defect's damage: one byte of the first honest domain's first canary page flipped. */
    public void scribbleOnCanary() {
        honest.get(0).corruptCanaryForTest(0, 100);
    }

    /** A planted defect's damage: 64 bytes of an honest canary page copied into the attacker's arena. */
    public void leakCanaryToAttacker() {
        byte[] canary = new byte[64];
        machine.kernel(honest.get(0).domid()).physicalMemory().read(honest.get(0).canaryAddresses()[1] + 8, canary, 0, 64);
        attacker.writeArena(Attacker.ARENA_BYTES - 200, canary);
    }

    public Machine machine() {
        return machine;
    }

    /** Honest domains whose memory a privileged attacker took (their canaries were then no longer checked). */
    public int honestDomainsTouched() {
        return checks.honestDomainsTouched();
    }

    /** Whether {@code className} is guest-kernel code (the guest module, or an arch's guest half). */
    static boolean isGuestKernel(String className) {
        return className.startsWith("org.xencommlab.guest.") || className.matches("org\\.xencommlab\\.arch\\.[a-z0-9]+\\.guest\\..*");
    }

    /** Calls (and race actions) in which the attacker's own kernel threw because of what it had done to itself. */
    public long selfHarm() {
        return selfHarm + (race == null ? 0 : race.failures());
    }

    /**
     * Whether {@link #end} skipped its audit because the attacker's own kernel threw while it ended
     * its processes (it had damaged its own structures through its calls): then what it holds says
     * nothing about the hypervisor or the arch.
     */
    public boolean exitAuditSkipped() {
        return exitAuditSkipped;
    }

    /** Actions the race activity took. */
    public long raceActions() {
        return race == null ? 0 : race.actions();
    }
}
