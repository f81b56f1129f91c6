package org.xencommlab.arch.ppc.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.testing.TestingMachine;

/** Issue 12, defect 5 on ppc: an inline range that wraps past the top of the 63-bit physical space is refused whole. */
final class TestPpcAccessOk {
    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults());

    private boolean ok(long ref, long offset, long length) {
        return machine.resolver().accessOk(new MemoryReference(ref), offset, length);
    }

    @Test
    void anInlineRangeMayEndAtTheTopOfPhysicalSpaceButNotPassIt() {
        long top = Long.MAX_VALUE; // the last 63-bit address
        assertThat(ok(PpcMemref.inline(top - 0xff), 0, 0x100)).isTrue();
        assertThat(ok(PpcMemref.inline(top - 0xff), 0, 0x101)).isFalse();
        assertThat(ok(PpcMemref.inline(top - 0xff), 0x100, 1)).isFalse();
        assertThat(ok(PpcMemref.inline(0x1000), Long.MAX_VALUE, 1)).isFalse();
        assertThat(ok(PpcMemref.inline(0x1000), 0, 0)).isTrue();
        assertThat(ok(PpcMemref.inline(0x1000), -1, 1)).isFalse();
        assertThat(ok(PpcMemref.inline(0x1000), 0, -1)).isFalse();
        assertThat(machine.metrics().get(Counter.TRANSLATION_STEPS)).as("decided without a lookup").isZero();
    }

    @Test
    void registeredAndDescriptorReferencesAreBoundedByWhatTheyNameNotByTheirWord() {
        long bufid = PpcMemref.bufid(1, 0);
        assertThat(ok(bufid, 0, 1 << 20)).isTrue();
        assertThat(ok(bufid, Long.MAX_VALUE - 11, 11)).isTrue();
        assertThat(ok(bufid, Long.MAX_VALUE - 10, 11)).isFalse();
    }
}
