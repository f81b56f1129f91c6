package org.xencommlab.strategy.percpu.form;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.UserCall;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.strategy.percpu.form.TestPercpuPageStrategy.Rig;

/**
 * The kernel part parses hostile tool memory: whatever bytes a tool put where its memory word
 * points, for any hypercall, {@code carryUserCall} either carries the call in the vCPU's pages
 * (and gives them back once the completion ran) or refuses it with a {@link XenException}, never
 * another exception, never leaves the pages busy, and names the input page in the memory word.
 */
final class CarryUserCallProperties {
    private final PercpuPageStrategy strategy = new PercpuPageStrategy();

    @Provide
    Arbitrary<Integer> hypercalls() {
        return Arbitraries.of(HypercallNumber.MEMORY_OP, HypercallNumber.MULTICALL, HypercallNumber.CONSOLE_IO,
                HypercallNumber.SYSCTL, HypercallNumber.DM_OP, HypercallNumber.XEN_VERSION);
    }

    @Property(tries = 300)
    void anyToolBlockIsCarriedOrRefusedAndThePagesAreGivenBack(@ForAll("hypercalls") int op, @ForAll @Size(max = 600) byte[] bytes,
            @ForAll long word0, @ForAll long word1, @ForAll boolean headerish) {
        Rig rig = new Rig();
        if (headerish && bytes.length >= 16) {
            // Often a plausible header length, so the parser gets past its first check.
            bytes[8] = (byte) (bytes.length & 0xFF);
            bytes[9] = (byte) (bytes.length >> 8);
            bytes[10] = 0;
            bytes[11] = 0;
        }
        rig.put(TestPercpuPageStrategy.USER, bytes.length == 0 ? new byte[1] : bytes);
        long[] words = {word0, word1, TestPercpuPageStrategy.USER, word0, word1};
        words[Math.floorMod((int) word1, 3)] = TestPercpuPageStrategy.USER;
        UserCall carried;
        try {
            carried = strategy.carryUserCall(rig, op, words);
        } catch (XenException refused) {
            assertThat(rig.busy).as("refused: nothing taken").isFalse();
            return;
        }
        if (rig.leases > 0) {
            // The memory word now names the vCPU's input page, not the tool's memory.
            assertThat(carried.args()).contains(TestPercpuPageStrategy.PAIR);
            try {
                carried.completion().run();
            } catch (XenException e) {
                // the copy back may fault; the pages are given back all the same
            }
        }
        assertThat(rig.busy).isFalse();
    }
}
