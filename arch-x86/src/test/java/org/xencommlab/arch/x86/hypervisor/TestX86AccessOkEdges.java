package org.xencommlab.arch.x86.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;

/**
 * {@code access_ok} at the edges its address arithmetic has: a range that starts at its reference
 * (offset 0), a range of one byte (its first byte is its last), and ranges that start or end at
 * address 0, the bottom of the lower canonical half. It looks at addresses only, so NULL passes:
 * the walk is what refuses an unmapped page.
 */
final class TestX86AccessOkEdges {
    private static final long USER_VA = 0x0000_7f12_3456_7000L;
    private final X86GuestHandleResolver resolver = new X86GuestHandleResolver(new X86PageTableFormat(), X86AddressSpace.LAYOUT);

    @Test
    void aRangeFromItsReferenceItselfIsAccepted() {
        assertThat(resolver.accessOk(new MemoryReference(USER_VA), 0, 0x1000)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(X86AddressSpace.DIRECT_MAP_BASE), 0, 0x1000)).isTrue();
    }

    @Test
    void aRangeOfOneByteIsAccepted() {
        assertThat(resolver.accessOk(new MemoryReference(USER_VA), 0x10, 1)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(X86AddressSpace.DIRECT_MAP_BASE), 0, 1)).isTrue();
    }

    @Test
    void rangesAtAddressZeroAreInTheLowerHalf() {
        assertThat(resolver.accessOk(MemoryReference.NULL, 0, 1)).isTrue();
        assertThat(resolver.accessOk(MemoryReference.NULL, 0, 0x1000)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(USER_VA), -USER_VA, 0x10)).as("a negative offset").isFalse();
    }

    @Test
    void aRangeThatEndsOnTheLastByteOfTheAddressSpaceIsInTheUpperHalf() {
        assertThat(resolver.accessOk(new MemoryReference(-0x10L), 0, 0x10)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(-0x10L), 0xf, 1)).isTrue();
    }

    @Test
    void aDomainStateNamesItsResolver() {
        assertThat(resolver.createDomainState(3, null)).hasToString("x86 page walk");
    }
}
