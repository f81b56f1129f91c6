package org.xencommlab.strategy.embedded.form;

import org.xencommlab.strategy.pointer.form.PointerStrategy;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.TestingGuestMemory;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.errno.XenException;

/**
 * The hypervisor side of both strategies against a hostile guest: random argument words naming
 * random bytes (sometimes with a plausible header) either decode to a view whose accessors work
 * or fail with a Xen errno, or are refused with a Xen errno; nothing else is ever thrown.
 */
final class HostileArgumentsProperties {
    @Provide
    Arbitrary<ArgumentStrategy> strategies() {
        return Arbitraries.of(new PointerStrategy(), new EmbeddedStrategy(), new EmbeddedStrategy(256));
    }

    /** Runs {@code action}; a XenException is a refusal, anything else fails the property. */
    private static void xenOnly(Runnable action) {
        try {
            action.run();
        } catch (XenException refused) {
            assertThat(refused.errno()).isNotNull();
        }
    }

    private static long[] words(long address, long[] random, int mask) {
        long[] args = new long[5];
        for (int i = 0; i < 5; i++) {
            long r = i < random.length ? random[i] : 0;
            args[i] = switch ((mask >>> (2 * i)) & 3) {
                case 0 -> address + (r & 0x3F);
                case 1 -> r & 0xFF;
                case 2 -> r;
                default -> address;
            };
        }
        return args;
    }

    private static TestingGuestMemory memoryWith(byte[] bytes, boolean plausible, BlockKind kind, int nested) {
        TestingGuestMemory memory = new TestingGuestMemory();
        if (plausible && bytes.length >= 16) {
            new EmbeddedBlockHeader(kind, bytes.length).encode(bytes, 0);
        }
        long address = memory.map(bytes);
        // A second region for nested handles to land in.
        memory.map(new byte[nested]);
        assertThat(address).isPositive();
        return memory;
    }

    @Property(tries = 400)
    void reservations(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 200) byte[] bytes,
            @ForAll @Size(5) long[] random, @ForAll @IntRange(max = 1023) int mask, @ForAll boolean plausible) {
        TestingGuestMemory memory = memoryWith(bytes, plausible, BlockKind.MEMORY_RESERVATION, 64);
        long[] args = words(0x10_0000, random, mask);
        args[0] &= 0x3FFL; // mostly reservation ops, sometimes others
        xenOnly(() -> {
            ReservationArguments r = strategy.decode(ReservationArguments.KIND, memory, args);
            for (long i = r.command().startExtent(); i < Math.min(r.reservation().nrExtents(), r.command().startExtent() + 3); i++) {
                long index = i;
                xenOnly(() -> r.writeExtent(index, r.readExtent(index) + 1));
            }
            xenOnly(() -> r.readExtent(-1));
            xenOnly(() -> r.readExtent(r.reservation().nrExtents()));
        });
    }

    @Property(tries = 400)
    void multicalls(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 300) byte[] bytes,
            @ForAll @Size(5) long[] random, @ForAll @IntRange(max = 1023) int mask, @ForAll boolean plausible) {
        TestingGuestMemory memory = memoryWith(bytes, plausible, BlockKind.MULTICALL, 64);
        long[] args = words(0x10_0000, random, mask);
        xenOnly(() -> {
            MulticallArguments calls = strategy.decode(MulticallArguments.KIND, memory, args);
            assertThat(Integer.toUnsignedLong(calls.start())).isLessThanOrEqualTo(Integer.toUnsignedLong(calls.nrCalls()));
            xenOnly(() -> calls.writeResult(calls.start(), calls.readEntry(calls.start()).op()));
            xenOnly(() -> calls.readEntry(-1));
        });
    }

    @Property(tries = 400)
    void consoleIo(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 300) byte[] bytes,
            @ForAll @Size(5) long[] random, @ForAll @IntRange(max = 1023) int mask, @ForAll boolean plausible) {
        TestingGuestMemory memory = memoryWith(bytes, plausible, BlockKind.CONSOLE_IO, 64);
        long[] args = words(0x10_0000, random, mask);
        xenOnly(() -> {
            ConsoleIoArguments io = strategy.decode(ConsoleIoArguments.KIND, memory, args);
            assertThat(Long.compareUnsigned(io.done(), io.count())).isLessThanOrEqualTo(0);
            byte[] chunk = new byte[127];
            int n = (int) Math.min(chunk.length, io.count() - io.done());
            xenOnly(() -> io.copyIn(io.done(), chunk, 0, n));
            xenOnly(() -> io.copyOut(io.done(), chunk, 0, n));
            xenOnly(() -> io.copyIn(io.count(), chunk, 0, 1));
        });
    }

    @Property(tries = 400)
    void sysctl(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 300) byte[] bytes,
            @ForAll @Size(5) long[] random, @ForAll @IntRange(max = 1023) int mask, @ForAll boolean plausible) {
        if (plausible && bytes.length >= 24) {
            // A valid command and version at either form's offsets, so that decoding reaches the counts.
            int at = strategy instanceof PointerStrategy ? 0 : 16;
            bytes[at] = 6;
            bytes[at + 1] = bytes[at + 2] = bytes[at + 3] = 0;
            bytes[at + 4] = 0x15;
            bytes[at + 5] = bytes[at + 6] = bytes[at + 7] = 0;
        }
        TestingGuestMemory memory = memoryWith(bytes, plausible && strategy instanceof EmbeddedStrategy, BlockKind.SYSCTL_GETDOMAININFOLIST, 300);
        long[] args = words(0x10_0000, random, mask);
        xenOnly(() -> {
            GetDomainInfoListArguments list = strategy.decode(GetDomainInfoListArguments.KIND, memory, args);
            xenOnly(() -> list.writeDomainInfo(0, DomainInfo.of(0, 0, 1, 2, 1)));
            xenOnly(() -> list.finish(list.maxDomains() > 0 ? 1 : 0));
        });
    }

    @Property(tries = 400)
    void dmOp(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 200) byte[] bytes,
            @ForAll @Size(5) long[] random, @ForAll @IntRange(max = 1023) int mask, @ForAll boolean plausible) {
        TestingGuestMemory memory = memoryWith(bytes, plausible, BlockKind.DM_OP, 64);
        long[] args = words(0x10_0000, random, mask);
        xenOnly(() -> {
            DmOpArguments dm = strategy.decode(DmOpArguments.KIND, memory, args);
            assertThat(dm.domid()).isBetween(0, 0xFFFF);
            xenOnly(dm::readOp);
            assertThat(dm.extentCapacity()).isNotNegative();
            xenOnly(() -> dm.readExtent(0));
            xenOnly(() -> dm.readExtent(dm.extentCapacity()));
            xenOnly(() -> dm.writeOp(new org.xencommlab.api.abi.dmop.ModifiedMemoryOp(0, 0)));
        });
    }
}
