package org.xencommlab.testkit.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.testkit.memory.TestingGuestMemory;

/**
 * The hostile-decoding contract of an {@link ArgumentStrategy}'s hypervisor side: random argument
 * words naming random guest bytes (sometimes with a plausible block header, or a plausible command
 * where either form keeps it) either decode to a view whose accessors work or fail with a Xen
 * errno, or are refused with a Xen errno; nothing else is ever thrown. Every decoder of guest
 * input must keep it (a malicious guest chooses these bytes).
 *
 * <p>A strategy module runs it against itself by naming its strategies:
 * <pre>{@code
 * final class EmbeddedHostileDecodingProperties extends HostileDecodingContract {
 *     @Override
 *     protected List<ArgumentStrategy> strategiesUnderTest() {
 *         return List.of(new EmbeddedStrategy(), new EmbeddedStrategy(256));
 *     }
 * }
 * }</pre>
 */
public abstract class HostileDecodingContract {
    /** The strategies under test: the module's strategy in each configuration worth checking. */
    protected abstract List<ArgumentStrategy> strategiesUnderTest();

    @Provide
    Arbitrary<ArgumentStrategy> strategies() {
        return Arbitraries.of(strategiesUnderTest());
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
    public void reservations(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 200) byte[] bytes,
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
    public void multicalls(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 300) byte[] bytes,
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
    public void consoleIo(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 300) byte[] bytes,
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
    public void sysctl(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 300) byte[] bytes,
            @ForAll @Size(5) long[] random, @ForAll @IntRange(max = 1023) int mask, @ForAll boolean plausible, @ForAll boolean headerFirst) {
        if (plausible && bytes.length >= 24) {
            // A valid command and version where one form or the other keeps it (the pointer form's
            // structure at 0, the embedded form's after its 16-byte header), so that decoding reaches
            // the counts.
            int at = headerFirst ? 16 : 0;
            bytes[at] = 6;
            bytes[at + 1] = bytes[at + 2] = bytes[at + 3] = 0;
            bytes[at + 4] = 0x15;
            bytes[at + 5] = bytes[at + 6] = bytes[at + 7] = 0;
        }
        TestingGuestMemory memory = memoryWith(bytes, plausible && headerFirst, BlockKind.SYSCTL_GETDOMAININFOLIST, 300);
        long[] args = words(0x10_0000, random, mask);
        xenOnly(() -> {
            GetDomainInfoListArguments list = strategy.decode(GetDomainInfoListArguments.KIND, memory, args);
            xenOnly(() -> list.writeDomainInfo(0, DomainInfo.of(0, 0, 1, 2, 1)));
            xenOnly(() -> list.finish(list.maxDomains() > 0 ? 1 : 0));
        });
    }

    @Property(tries = 400)
    public void dmOp(@ForAll("strategies") ArgumentStrategy strategy, @ForAll @Size(max = 200) byte[] bytes,
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
