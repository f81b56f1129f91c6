package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.machine.facade.Machine;

/**
 * Issue 3's promise on a wired x86 machine: for any placement of the bytes in a buffer (crossing
 * pages or not) and any seeded eviction and compaction schedule, what the hypervisor reads equals
 * what the tool wrote, or the call fails with -EFAULT and the tool sees it. Never silent
 * corruption: on a fault the console holds at most a prefix of what was written.
 */
final class X86ReadsEqualWritesProperties {
    @Property(tries = 120)
    void theHypervisorReadsWhatTheToolWroteOrTheToolSeesEfault(
            @ForAll @IntRange(min = 0, max = 3 * 4096 - 1) int offset,
            @ForAll @IntRange(min = 1, max = 3 * 4096) int length,
            @ForAll @DoubleRange(min = 0, max = 1) double pressure,
            @ForAll @DoubleRange(min = 0, max = 1) double compaction,
            @ForAll @LongRange(min = 1, max = 1000) long seed,
            @ForAll boolean locked) {
        int size = Math.min(length, 3 * 4096 - ((offset + 7) & ~7)); // alloc_mem aligns slices to 8 bytes
        Machine machine = WiredMachines.machine("x86", locked ? Map.of() : Map.of("buffers", "unlocked"), seed);
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        // No retries: a retried console write prints its first chunks twice, as libxc's retry of a
        // non-idempotent call would; here each attempt is judged on its own.
        XcHandle tool = machine.startTool(dom0, "xl", 0);
        HypercallBuffer buffer = tool.allocBuf(3);
        if (offset > 0) {
            tool.allocMem(buffer, offset);
        }
        BufferSlice slice = tool.allocMem(buffer, size);
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) (seed * 31 + i * 7);
        }
        dom0.setMemoryPressure(pressure, 8);
        dom0.setCompaction(compaction);

        long result = WiredMachines.consoleWrite(tool, slice, message);

        byte[] console = machine.hypervisor().console().output(0);
        if (result == 0) {
            assertThat(console).isEqualTo(message);
        } else {
            assertThat(result).isEqualTo(XenErrno.EFAULT.asResult());
            assertThat(console.length).isLessThan(message.length);
            assertThat(console).isEqualTo(Arrays.copyOf(message, console.length));
        }
        if (locked && compaction == 0) {
            assertThat(result).as("mlocked buffers survive memory pressure").isZero();
        }
        byte[] reread = new byte[size];
        tool.process().readMemory(slice.userAddress(), reread, 0, size);
        assertThat(reread).as("the tool's own bytes are intact whatever the hypervisor saw").isEqualTo(message);
    }
}
