package org.xencommlab.strategy.percpu.form;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.UserCall;
import org.xencommlab.api.abi.UserCallKernel;
import org.xencommlab.api.abi.VcpuArgumentPages;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationBlock;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.testkit.errno.XenErrors;
import org.xencommlab.testkit.memory.TestingGuestMemory;

/**
 * The percpu-page strategy against a kernel the test controls: one vCPU's page pair in an
 * in-memory guest, a tool's memory beside it. A call is carried in the pair and nowhere else; the
 * hypervisor's writes reach only the output page; one page bounds a call; a busy pair, an
 * oversized or malformed block get their errno and change nothing.
 */
final class TestPercpuPageStrategy {
    static final int PAGE = 4096;
    static final long PAIR = 0xFFFF_8000_0010_0000L;
    static final long USER = 0x4000_0000L;

    private final PercpuPageStrategy strategy = new PercpuPageStrategy();

    /** One vCPU's pages, lent by a room that must never be placed in, and a tool's memory. */
    static final class Rig implements ArgumentPlacement, VcpuArgumentPages.Holder, UserCallKernel {
        final TestingGuestMemory memory = new TestingGuestMemory();
        boolean busy;
        int leases;
        Counter waitCounter;

        Rig() {
            memory.mapAt(PAIR, new byte[2 * PAGE]);
            memory.mapAt(USER, new byte[4 * PAGE]);
        }

        byte[] bytes(long address, int length) {
            byte[] out = new byte[length];
            assertThat(memory.copyFromGuest(out, 0, new MemoryReference(address), 0, length)).isZero();
            return out;
        }

        void put(long address, byte[] bytes) {
            assertThat(memory.copyToGuest(new MemoryReference(address), 0, bytes, 0, bytes.length)).isZero();
        }

        @Override
        public Placed place(byte[] src, int srcOffset, int length) {
            throw new AssertionError("a room that lends the vCPU's pages was placed in");
        }

        @Override
        public Optional<VcpuArgumentPages> vcpuArgumentPages() {
            return Optional.of(new VcpuArgumentPages() {
                @Override
                public int pageBytes() {
                    return PAGE;
                }

                @Override
                public int vcpu() {
                    return 0;
                }

                @Override
                public Lease acquire(Counter waits) {
                    waitCounter = waits;
                    if (busy) {
                        throw new XenException(XenErrno.EBUSY, "the test's pair is busy");
                    }
                    busy = true;
                    leases++;
                    return new TestingLease();
                }
            });
        }

        @Override
        public void readUser(long userAddress, byte[] dst, int dstOffset, int length) {
            if (memory.copyFromGuest(dst, dstOffset, new MemoryReference(userAddress), 0, length) != 0) {
                throw new XenException(XenErrno.EFAULT, "unmapped");
            }
        }

        @Override
        public KernelCopy copyFromUser(long userAddress, int length) {
            throw new AssertionError("the strategy allocated kernel memory for a call");
        }

        final class TestingLease implements VcpuArgumentPages.Lease {
            boolean closed;

            @Override
            public Placed input() {
                return page(PAIR);
            }

            @Override
            public Placed output() {
                return page(PAIR + PAGE);
            }

            @Override
            public boolean backup() {
                return false;
            }

            @Override
            public void copyFromUser(long userAddress, int offset, int length) {
                byte[] bytes = new byte[length];
                readUser(userAddress, bytes, 0, length);
                put(PAIR + offset, bytes);
            }

            @Override
            public void copyToUser(int offset, long userAddress, int length) {
                put(userAddress, bytes(PAIR + PAGE + offset, length));
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    busy = false;
                }
            }
        }

        Placed page(long base) {
            return new Placed() {
                @Override
                public MemoryReference reference() {
                    return referenceAt(0);
                }

                @Override
                public MemoryReference referenceAt(int offset) {
                    return new MemoryReference(base + offset);
                }

                @Override
                public int length() {
                    return PAGE;
                }

                @Override
                public void write(int offset, byte[] src, int srcOffset, int n) {
                    put(base + offset, Arrays.copyOfRange(src, srcOffset, srcOffset + n));
                }

                @Override
                public void read(int offset, byte[] dst, int dstOffset, int n) {
                    System.arraycopy(bytes(base + offset, n), 0, dst, dstOffset, n);
                }
            };
        }
    }

    /** A tool's ordinary memory at {@link #USER}: where its library lays out a call. */
    private static ArgumentPlacement toolMemory(Rig rig) {
        return (src, offset, n) -> {
            rig.put(USER, Arrays.copyOfRange(src, offset, offset + n));
            return rig.page(USER);
        };
    }

    private static ReservationRequest populate(int n) {
        return new ReservationRequest(SubOps.MemoryOp.POPULATE_PHYSMAP, LongStream.range(100, 100 + n).toArray(), 0, 0,
                ReservationRequest.DOMID_SELF);
    }

    @Test
    void aKernelCallIsCarriedInTheVcpuPagesAndTheHypervisorWritesOnlyTheOutputPage() {
        Rig rig = new Rig();
        PreparedCall<ReservationOutcome> call = strategy.prepare(rig, populate(10));
        assertThat(call.args()[1]).isEqualTo(PAIR);
        assertThat(rig.busy).isTrue();
        byte[] input = rig.bytes(PAIR, PAGE);

        ReservationArguments args = strategy.decode(ReservationArguments.KIND, rig.memory, call.args());
        assertThat(args.reservation().nrExtents()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(args.readExtent(i)).isEqualTo(100 + i);
            args.writeExtent(i, 7000 + i);
        }
        assertThat(rig.bytes(PAIR, PAGE)).as("the input page").isEqualTo(input);
        assertThat(LittleEndian.u64(rig.bytes(PAIR + PAGE + ReservationBlock.extentOffset(3), 8), 0)).isEqualTo(7003);
        // A later entry of the same call reads back what the hypervisor wrote.
        assertThat(strategy.decode(ReservationArguments.KIND, rig.memory, call.args()).readExtent(3)).isEqualTo(7003);

        ReservationOutcome outcome = call.complete(10);
        assertThat(outcome.extents()).isEqualTo(LongStream.range(7000, 7010).toArray());
        assertThat(rig.busy).as("given back once the outcome is read").isFalse();
        assertThat(rig.waitCounter).isSameAs(PercpuPageStrategy.PAGE_WAITS);
    }

    @Test
    void aBusyPairIsEbusyAndChangesNothing() {
        Rig rig = new Rig();
        rig.busy = true;
        byte[] pair = rig.bytes(PAIR, 2 * PAGE);
        assertThat(XenErrors.errnoOf(() -> strategy.prepare(rig, populate(10)))).isEqualTo(XenErrno.EBUSY);
        assertThat(rig.bytes(PAIR, 2 * PAGE)).isEqualTo(pair);
        assertThat(rig.leases).isZero();
    }

    @Test
    void oneSplitPartFillsAtMostOnePageAndAWholeRequestIsE2bigTakingNoPage() {
        Rig rig = new Rig();
        ReservationRequest big = populate(2000);
        List<ReservationRequest> parts = strategy.split(big);
        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts.stream().flatMapToLong(p -> Arrays.stream(p.extents())).toArray()).isEqualTo(big.extents());
        for (ReservationRequest part : parts) {
            assertThat(part.nrExtents()).isLessThanOrEqualTo(ReservationBlock.maxExtents(PAGE));
            PreparedCall<ReservationOutcome> call = strategy.prepare(rig, part);
            assertThat(call.complete(0).extents()).isEmpty();
            assertThat(rig.busy).isFalse();
        }
        int leases = rig.leases;
        assertThat(XenErrors.errnoOf(() -> strategy.argumentBytes(big))).isEqualTo(XenErrno.E2BIG);
        assertThat(XenErrors.errnoOf(() -> strategy.prepare(rig, big))).isEqualTo(XenErrno.E2BIG);
        assertThat(rig.leases).isEqualTo(leases);
        assertThat(rig.busy).isFalse();
    }

    @Test
    void aPairStaysBusyUntilItsCallCompletes() {
        Rig rig = new Rig();
        PreparedCall<ReservationOutcome> first = strategy.prepare(rig, populate(3));
        assertThat(rig.busy).isTrue();
        // Until the outcome is read (or the room closes what it lent after a failure), the pair is the first call's.
        assertThat(XenErrors.errnoOf(() -> strategy.prepare(rig, populate(3)))).isEqualTo(XenErrno.EBUSY);
        first.complete(3);
        assertThat(rig.busy).isFalse();
        strategy.prepare(rig, populate(3)).complete(0);
        assertThat(rig.leases).isEqualTo(2);
    }

    @Test
    void aToolsCallIsCopiedIntoTheInputPageAndBackToTheToolsOutputImage() {
        Rig rig = new Rig();
        ReservationRequest request = populate(12);
        PreparedCall<ReservationOutcome> tool = strategy.prepare(toolMemory(rig), request);
        long[] words = tool.args();
        assertThat(words[1]).isEqualTo(USER);

        UserCall carried = strategy.carryUserCall(rig, HypercallNumber.MEMORY_OP, words);
        assertThat(carried.args()[1]).isEqualTo(PAIR);
        assertThat(rig.busy).isTrue();
        ReservationArguments args = strategy.decode(ReservationArguments.KIND, rig.memory, carried.args());
        for (int i = 0; i < 12; i++) {
            assertThat(args.readExtent(i)).isEqualTo(100 + i);
            args.writeExtent(i, 9000 + i);
        }
        byte[] toolBlock = rig.bytes(USER, PAGE);
        carried.completion().run();
        assertThat(rig.busy).isFalse();
        assertThat(rig.bytes(USER, PAGE)).as("the tool's request stays as it wrote it").isEqualTo(toolBlock);
        assertThat(tool.complete(12).extents()).isEqualTo(LongStream.range(9000, 9012).toArray());
    }

    @Test
    void anOversizedToolBlockIsE2bigAndTakesNoPage() {
        Rig rig = new Rig();
        byte[] header = new byte[EmbeddedBlockHeader.SIZE];
        strategy.prepare(toolMemory(rig), populate(1));
        System.arraycopy(rig.bytes(USER, header.length), 0, header, 0, header.length);
        LittleEndian.putU32(header, EmbeddedBlockHeader.LENGTH_OFFSET, PAGE + 8);
        rig.put(USER, header);
        byte[] pair = rig.bytes(PAIR, 2 * PAGE);
        assertThat(XenErrors.errnoOf(() -> strategy.carryUserCall(rig, HypercallNumber.MEMORY_OP,
                new long[] {SubOps.MemoryOp.POPULATE_PHYSMAP, USER}))).isEqualTo(XenErrno.E2BIG);
        assertThat(rig.leases).isZero();
        assertThat(rig.bytes(PAIR, 2 * PAGE)).isEqualTo(pair);
    }

    /** A kernel whose tool grows its block after the strategy sized it, before the kernel's copy. */
    private static final class RacingKernel implements UserCallKernel, VcpuArgumentPages.Holder {
        private final Rig rig;
        private int reads;

        RacingKernel(Rig rig) {
            this.rig = rig;
        }

        @Override
        public void readUser(long userAddress, byte[] dst, int dstOffset, int length) {
            rig.readUser(userAddress, dst, dstOffset, length);
            if (++reads == 2) {
                byte[] grown = rig.bytes(USER, EmbeddedBlockHeader.SIZE);
                LittleEndian.putU32(grown, EmbeddedBlockHeader.LENGTH_OFFSET, 1024);
                rig.put(USER, grown);
            }
        }

        @Override
        public KernelCopy copyFromUser(long userAddress, int length) {
            return rig.copyFromUser(userAddress, length);
        }

        @Override
        public Optional<VcpuArgumentPages> vcpuArgumentPages() {
            return rig.vcpuArgumentPages();
        }
    }

    @Test
    void aToolBlockThatGrowsBeforeTheKernelsCopyIsEinvalAndGivesThePageBack() {
        Rig rig = new Rig();
        long[] words = strategy.prepare(toolMemory(rig), populate(4)).args();
        assertThat(XenErrors.errnoOf(() -> strategy.carryUserCall(new RacingKernel(rig), HypercallNumber.MEMORY_OP, words)))
                .isEqualTo(XenErrno.EINVAL);
        assertThat(rig.leases).isEqualTo(1);
        assertThat(rig.busy).as("given back").isFalse();
    }

    @Test
    void aKernelThatLendsNoPagesCannotCarryAToolsCall() {
        Rig rig = new Rig();
        long[] words = strategy.prepare(toolMemory(rig), populate(4)).args();
        UserCallKernel plain = new UserCallKernel() {
            @Override
            public void readUser(long userAddress, byte[] dst, int dstOffset, int length) {
                rig.readUser(userAddress, dst, dstOffset, length);
            }

            @Override
            public KernelCopy copyFromUser(long userAddress, int length) {
                return rig.copyFromUser(userAddress, length);
            }
        };
        assertThat(XenErrors.errnoOf(() -> strategy.carryUserCall(plain, HypercallNumber.MEMORY_OP, words)))
                .isEqualTo(XenErrno.EOPNOTSUPP);
    }

    @Test
    void aCallThatNamesNoMemoryPassesUnchanged() {
        Rig rig = new Rig();
        long[] words = {SubOps.XenVersion.VERSION, 0};
        assertThat(strategy.carryUserCall(rig, HypercallNumber.XEN_VERSION, words).args()).isEqualTo(words);
        assertThat(rig.leases).isZero();
        HypercallRequest<Long> plain = org.xencommlab.api.abi.PlainCall.of(HypercallNumber.XEN_VERSION, SubOps.XenVersion.VERSION, 0);
        assertThat(strategy.argumentBytes(plain)).isZero();
    }
}
