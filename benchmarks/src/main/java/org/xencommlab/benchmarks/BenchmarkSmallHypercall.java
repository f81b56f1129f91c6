package org.xencommlab.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.guest.tools.Dom0Tools;

/**
 * The small-hypercall speed target: a small hypercall against a sub-microsecond target.
 *
 * <ul>
 *   <li>{@code xenVersionThroughGate}: {@code xen_version(XENVER_version)} as dom0's kernel issues
 *       it, straight at the hypercall instruction ({@link HypervisorGate#hypercall}): the entry's
 *       checks, the dispatch table, the handler, the metrics. No pointer, so neither the arch nor
 *       the strategy is on the path beyond wiring; {@code arch} is swept to show it.</li>
 *   <li>{@code xenVersionThroughPrivcmd}: the same call from a dom0 tool through the libxc-like
 *       library ({@code Dom0Tools.xenVersion}): the strategy's marshalling of a plain call, the
 *       privcmd ioctl (one guest system call with its scheduling points and page-table switch),
 *       the arch's guest half preparing the call, then the gate.</li>
 *   <li>{@code consoleWriteThroughPrivcmd}: a 64-byte {@code console_io} write from the tool, the
 *       smallest call that carries memory, where both axes apply: in the pointer form the bytes go
 *       into the tool's hypercall buffer (mlocked on x86, registered on ppc) and the hypervisor
 *       resolves the reference; in the embedded form privcmd copies one block through kernel
 *       memory and passes the kernel's native reference. The console is a bounded ring, so it
 *       does not grow.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BenchmarkSmallHypercall {
    /** Bytes of the console write: one line, one console chunk. */
    static final int CONSOLE_BYTES = 64;

    /** dom0's kernel at the hypercall instruction. */
    @State(Scope.Thread)
    public static class Kernel {
        @Param({"x86", "ppc", "cvm"})
        public String arch;

        WiredRun run;
        HypervisorGate gate;
        int domid;
        int vcpu;

        @Setup(Level.Trial)
        public void setUp() {
            run = WiredRun.start(arch, "pointer", Map.of());
            gate = run.machine().hypervisor().gate();
            domid = run.dom0().domid();
            vcpu = 0;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            checkClean(run);
        }
    }

    /** A dom0 tool with the library open, in {@code arch} x {@code strategy}. */
    @State(Scope.Thread)
    public static class Tool {
        @Param({"x86", "ppc", "cvm"})
        public String arch;

        /**
         * Arch and strategy are names of plugins {@code PluginRegistry.discover()} finds (an unknown
         * name fails the setup, listing the names found): {@code -p arch=NAME -p strategy=NAME}
         * measures any discovered pair, and a plugin that joins the lab (the per-vCPU-page strategy,
         * the confidential-VM arch, once merged) joins the default sweep by adding its name here.
         */
        @Param({"pointer", "embedded", "percpu-page"})
        public String strategy;

        WiredRun run;
        Dom0Tools xl;
        byte[] line;

        @Setup(Level.Trial)
        public void setUp() {
            run = WiredRun.start(arch, strategy, Map.of());
            xl = run.machine().tools(run.tool());
            line = "xencomm-lab benchmark: one console line of sixty-four bytes....\n".getBytes(StandardCharsets.US_ASCII);
            if (line.length != CONSOLE_BYTES) {
                throw new IllegalStateException("console line is " + line.length + " bytes");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            xl.close();
            checkClean(run);
        }
    }

    @Benchmark
    public long xenVersionThroughGate(Kernel kernel) {
        return kernel.gate.hypercall(kernel.domid, kernel.vcpu, HypercallNumber.XEN_VERSION, SubOps.XenVersion.VERSION);
    }

    @Benchmark
    public long xenVersionThroughPrivcmd(Tool tool) {
        return tool.xl.xenVersion();
    }

    @Benchmark
    public long consoleWriteThroughPrivcmd(Tool tool) {
        return tool.xl.writeConsole(tool.line);
    }

    /** No hypercall may have failed, and the machine must recount exactly, or the numbers mean nothing. */
    static void checkClean(WiredRun run) {
        var errors = run.machine().metrics().errors();
        List<String> audit = run.stop();
        if (!errors.isEmpty() || !audit.isEmpty()) {
            throw new IllegalStateException("errors " + errors + "; audit " + audit);
        }
    }
}
