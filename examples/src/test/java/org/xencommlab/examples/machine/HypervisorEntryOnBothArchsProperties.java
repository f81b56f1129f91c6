package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.hypervisor.memory.FrameAccounting;
import org.xencommlab.machine.facade.Machine;

/**
 * The hypervisor entry is the trust boundary: on a booted machine of each arch, any hypercall
 * number with any argument words (pointers into the guest, past it, into another domain, lengths
 * that overflow) returns a result or a Xen errno, never throws, and a failed call changes nothing:
 * heap use, frame ownership and the recount of every table stay as they were.
 */
final class HypervisorEntryOnBothArchsProperties {
    @Provide
    Arbitrary<long[]> words() {
        Arbitrary<Long> word = Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.longs().between(0, 1 << 26),                       // guest-physical range
                Arbitraries.longs().between(0x10000, 0x7fff_ffff_f000L),      // x86 user space
                Arbitraries.longs().between(0x1000_0000L, 1L << 47),          // ppc user space
                Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0xffff_8880_0000_0000L,
                        0xc000_0000_0000_0000L, 1L << 63, 0x7FF0L, 4096L, 4095L),
                Arbitraries.integers().between(-2, 64).map(Integer::longValue));
        return word.array(long[].class).ofMinSize(0).ofMaxSize(6);
    }

    @Property(tries = 150)
    void anyCallReturnsAResultOrAnErrnoAndAFailureChangesNothing(
            @ForAll("arch") String arch, @ForAll @IntRange(min = -1, max = 70) int op, @ForAll("words") long[] args,
            @ForAll @IntRange(min = 0, max = 1) int caller) {
        Machine machine = WiredMachines.machine(arch, Map.of(), 3);
        machine.bootDom0(8L << 20);
        machine.bootGuest(1, 4L << 20);
        Hypervisor xen = machine.hypervisor();
        long heap = xen.heap().used();
        FrameAccounting frames = xen.frames();
        long owned0 = xen.framesOwnedBy(0);
        long owned1 = xen.framesOwnedBy(1);

        long result = xen.gate().hypercall(caller, 0, op, args);

        assertThat(result >= 0 || XenErrno.fromResult(result).isPresent())
                .as("result %d of op %d is neither a result nor a Xen errno", result, op).isTrue();
        assertThat(xen.audit()).isEmpty();
        assertThat(xen.containedFailures()).as("a handler threw something other than a Xen error").isZero();
        if (result < 0) {
            assertThat(xen.heap().used()).isEqualTo(heap);
            assertThat(xen.frames()).isEqualTo(frames);
            assertThat(xen.framesOwnedBy(0)).isEqualTo(owned0);
            assertThat(xen.framesOwnedBy(1)).isEqualTo(owned1);
        }
    }

    @Provide
    Arbitrary<String> arch() {
        return Arbitraries.of("x86", "ppc");
    }

}
