package org.xencommlab.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.lab.LabRunner;
import org.xencommlab.examples.lab.RunSpec;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.scenario.MachineSettings;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * Time and peak Java heap of real-sized guests (issue 15, target 1), one case per JVM so that
 * peaks do not mix; run it with the heap the target names ({@code -Xmx2g}):
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar org.xencommlab.benchmarks.BalloonScale balloon 64
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar org.xencommlab.benchmarks.BalloonScale domains 1000
 * </pre>
 *
 * <ul>
 *   <li>{@code balloon G}: the lab's balloon scenario on x86/pointer with a guest of G GiB that
 *       balloons G GiB of pages out and back in ({@code balloon-pages = G * 262144}), on a machine
 *       of G + 1 GiB (dom0's 64 MiB and the guest's kernel memory come on top), through the lab's
 *       own runner. The run must come back ok.</li>
 *   <li>{@code domains N}: a machine of N + 1 GiB, dom0, then N guests of 1 GiB each; each
 *       takes 256 contiguous kernel pages (1 MiB) and writes every byte of them (non-zero), then
 *       every guest's 1 MiB is read back and checked.</li>
 * </ul>
 *
 * <p>Prints one line: the case, wall time, the highest heap occupancy after any collection
 * (the live set's high-water mark, from GC notifications), the sum of the heap pools' peaks (an
 * upper bound of the heap used, garbage included) and the frames the machine backs with arrays.
 */
public final class BalloonScale {
    private static final long GIB = 1L << 30;
    private static final AtomicLong PEAK_AFTER_GC = new AtomicLong();
    private static final java.util.Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private BalloonScale() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: BalloonScale balloon GIB | domains N");
        }
        long n = Long.parseLong(args[1]);
        watchCollections();
        long start = System.nanoTime();
        String detail = switch (args[0]) {
            case "balloon" -> balloon(n);
            case "domains" -> domains((int) n);
            default -> throw new IllegalArgumentException("unknown case " + args[0]);
        };
        long nanos = System.nanoTime() - start;
        System.gc();
        System.out.printf("%s %d: %.2f s, live peak %d MiB, pool peaks %d MiB, max heap %d MiB; %s%n", args[0], n,
                nanos / 1e9, PEAK_AFTER_GC.get() >> 20, poolPeaks() >> 20,
                Runtime.getRuntime().maxMemory() >> 20, detail);
    }

    private static String balloon(long gib) {
        Scenario balloon = ScenarioCatalog.standard().get("balloon");
        long pages = gib * GIB / 4096;
        Map<String, String> sets = Map.of(MachineSettings.MEMORY, (gib + 1) + "GiB", "balloon-pages", Long.toString(pages));
        LabRunner runner = new LabRunner(new RunInjectors(PluginRegistry.discover()), CostModel.defaults());
        RunResult result = runner.run(new RunSpec(new LabConfiguration("x86", "pointer", Map.of(), Map.of()), balloon, sets,
                WiredRun.SEED), RunEnvironment.defaults(WiredRun.SEED));
        if (result.failure() != null) {
            throw new IllegalStateException("balloon of " + gib + " GiB failed: " + result.failure());
        }
        return pages + " pages out and back in";
    }

    private static String domains(int count) {
        RunEnvironment environment = RunEnvironment.defaults(WiredRun.SEED);
        environment = environment.withHypervisor(environment.hypervisor().withMachineMemoryBytes((count + 1L) * GIB));
        RunInjectors injectors = new RunInjectors(PluginRegistry.discover());
        Machine machine = injectors.machine(new LabConfiguration("x86", "pointer", Map.of(), Map.of()), environment);
        machine.bootDom0(WiredRun.DOM0_BYTES);
        int pages = 256;
        GuestKernel[] guests = new GuestKernel[count];
        KernelBlock[] blocks = new KernelBlock[count];
        byte[] page = new byte[4096];
        for (int i = 0; i < count; i++) {
            guests[i] = machine.bootGuest(i + 1, GIB);
            blocks[i] = guests[i].allocateContiguous(pages);
            GuestPhysicalMemory memory = guests[i].physicalMemory();
            for (int p = 0; p < pages; p++) {
                Arrays.fill(page, (byte) (i + p + 1 == 0 ? 1 : i + p + 1));
                memory.write(blocks[i].physicalAddress() + p * 4096L, page, 0, page.length);
            }
        }
        byte[] back = new byte[4096];
        for (int i = 0; i < count; i++) {
            GuestPhysicalMemory memory = guests[i].physicalMemory();
            for (int p = 0; p < pages; p++) {
                memory.read(blocks[i].physicalAddress() + p * 4096L, back, 0, back.length);
                byte expected = (byte) (i + p + 1 == 0 ? 1 : i + p + 1);
                for (byte b : back) {
                    if (b != expected) {
                        throw new IllegalStateException("guest " + (i + 1) + " page " + p + " lost its bytes");
                    }
                }
            }
        }
        return count + " guests of 1 GiB, 1 MiB written and read back in each";
    }

    private static void watchCollections() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (HEAP_POOLS.contains(pool.getKey())) {
                        used += pool.getValue().getUsed();
                    }
                }
                PEAK_AFTER_GC.accumulateAndGet(used, Math::max);
            }, null, null);
        }
    }

    private static long poolPeaks() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
