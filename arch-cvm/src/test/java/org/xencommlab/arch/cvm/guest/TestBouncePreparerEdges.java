package org.xencommlab.arch.cvm.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.testing.CvmRig;
import org.xencommlab.arch.cvm.testing.TestingCvm;
import org.xencommlab.arch.cvm.testing.TestingCvmProcess;

/**
 * privcmd's bounce of a tool's handles at its edges: the first and one past the last argument, a
 * site that is not an argument, a structure whose nested handles sit in its first and last word
 * (each handle bounced on its own, the structure sent with the bounce addresses and given back with
 * the tool's own pointers), a nested handle one byte past its structure, a handle of 2^31 - 1 bytes
 * outside user space, and a copy back into memory the tool unmapped during the call. Whatever
 * fails, every slot taken for the call comes back.
 */
final class TestBouncePreparerEdges {
    private static final int OP = 40;

    private final CvmRig rig = new CvmRig(new CvmConfig(CvmConfig.BufferMode.BOUNCE, 64));
    private final TestingCvm machine = rig.machine();
    private TestingCvmProcess process;
    private ProcessXencomm xencomm;
    private BouncePool pool;
    private int slotsBefore;

    @BeforeEach
    void start() {
        process = (TestingCvmProcess) rig.startProcess();
        xencomm = rig.xencomm(process);
        pool = ((CvmKernelState) rig.kernelXencomm()).pool();
        slotsBefore = pool.slotsInUse();
    }

    private static HandleSiteFinder finding(HandleSite... sites) {
        return (op, args, reader) -> op == OP ? Optional.of(List.of(sites)) : Optional.empty();
    }

    private static HandleSite leaf(int arg, long length) {
        return HandleSite.argument(arg, length, List.of());
    }

    private long userBytes(byte[] bytes) {
        long address = process.mmapAnonymous(bytes.length);
        process.writeMemory(address, bytes, 0, bytes.length);
        return address;
    }

    private byte[] user(long address, int length) {
        byte[] out = new byte[length];
        process.readMemory(address, out, 0, length);
        return out;
    }

    private XenErrno refusal(long[] args, HandleSiteFinder finder) {
        try {
            xencomm.prepareUserHypercall(OP, args, finder);
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("prepared");
    }

    private boolean inPool(long gpa) {
        long base = pool.memory().physicalAddress();
        return gpa >= base && gpa < base + pool.memory().length();
    }

    @Test
    void aLeafHandleInTheFirstArgumentIsBouncedInAndOutAndItsSlotsComeBack() {
        byte[] request = "a request the hypervisor reads".getBytes(StandardCharsets.US_ASCII);
        long address = userBytes(request);

        PreparedHypercall prepared = xencomm.prepareUserHypercall(OP, new long[] {address, 7}, finding(leaf(0, request.length)));

        long gpa = prepared.args()[0];
        assertThat(inPool(gpa)).isTrue();
        assertThat(prepared.args()[1]).isEqualTo(7);
        assertThat(machine.read(gpa, request.length)).isEqualTo(request);
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).isEqualTo(request.length);
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore + 1);

        byte[] answer = "THE HYPERVISOR'S ANSWER, 30 B".getBytes(StandardCharsets.US_ASCII);
        machine.write(gpa, answer);
        prepared.completion().run();

        assertThat(user(address, answer.length)).isEqualTo(answer);
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).isEqualTo(2L * request.length);
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
    }

    @Test
    void aSiteOnePastTheLastArgumentOrNotAnArgumentIsEinvalAndGivesEverySlotBack() {
        long address = userBytes(new byte[64]);
        long[] args = {address, 0};

        assertThat(refusal(args, finding(leaf(0, 64), leaf(2, 8)))).isEqualTo(XenErrno.EINVAL);
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
        assertThat(refusal(args, finding(leaf(0, 64), HandleSite.field(0, 8, List.of())))).isEqualTo(XenErrno.EINVAL);
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
        assertThat(xencomm.prepareUserHypercall(OP, new long[] {0, address}, finding(leaf(1, 64))).args()[1]).matches(this::inPool);
    }

    @Test
    void nestedHandlesInTheFirstAndLastWordAreBouncedAndTheToolKeepsItsOwnPointers() {
        byte[] first = "first nested buffer".getBytes(StandardCharsets.US_ASCII);
        byte[] last = "last one".getBytes(StandardCharsets.US_ASCII);
        long firstAt = userBytes(first);
        long lastAt = userBytes(last);
        byte[] struct = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(firstAt).putLong(0x1234).putLong(lastAt).array();
        long structAt = userBytes(struct);
        HandleSite site = HandleSite.argument(0, 24, List.of(
                HandleSite.field(0, first.length, List.of()), HandleSite.field(16, last.length, List.of())));

        PreparedHypercall prepared = xencomm.prepareUserHypercall(OP, new long[] {structAt}, finding(site));

        long sent = prepared.args()[0];
        assertThat(inPool(sent)).isTrue();
        ByteBuffer seen = ByteBuffer.wrap(machine.read(sent, 24)).order(ByteOrder.LITTLE_ENDIAN);
        long firstGpa = seen.getLong(0);
        long lastGpa = seen.getLong(16);
        assertThat(seen.getLong(8)).isEqualTo(0x1234);
        assertThat(inPool(firstGpa)).isTrue();
        assertThat(inPool(lastGpa)).isTrue();
        assertThat(machine.read(firstGpa, first.length)).isEqualTo(first);
        assertThat(machine.read(lastGpa, last.length)).isEqualTo(last);
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).isEqualTo(24 + first.length + last.length);

        // The hypervisor writes a result field and the nested buffers.
        machine.write(sent + 8, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x5678).array());
        machine.write(firstGpa, "FIRST".getBytes(StandardCharsets.US_ASCII));
        prepared.completion().run();

        ByteBuffer back = ByteBuffer.wrap(user(structAt, 24)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(back.getLong(0)).as("the tool's own pointer").isEqualTo(firstAt);
        assertThat(back.getLong(8)).as("what the hypervisor wrote").isEqualTo(0x5678);
        assertThat(back.getLong(16)).isEqualTo(lastAt);
        assertThat(new String(user(firstAt, first.length), StandardCharsets.US_ASCII)).isEqualTo("FIRST nested buffer");
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).isEqualTo(2L * (24 + first.length + last.length));
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
    }

    @Test
    void aNestedHandleThatRunsPastItsStructureIsEfaultAndGivesEverySlotBack() {
        long structAt = userBytes(new byte[24]);
        for (HandleSite child : List.of(HandleSite.field(17, 8, List.of()), HandleSite.field(24, 8, List.of()), leaf(0, 8))) {
            HandleSite site = HandleSite.argument(0, 24, List.of(child));
            assertThat(refusal(new long[] {structAt}, finding(site))).as("%s", child).isEqualTo(XenErrno.EFAULT);
            assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
        }
    }

    @Test
    void aHandleOfTheLargestIntOutsideUserSpaceIsEfaultAndOneByteMoreIsE2big() {
        assertThat(refusal(new long[] {0x8}, finding(leaf(0, Integer.MAX_VALUE)))).isEqualTo(XenErrno.EFAULT);
        assertThat(refusal(new long[] {0x8}, finding(leaf(0, Integer.MAX_VALUE + 1L)))).isEqualTo(XenErrno.E2BIG);
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
    }

    @Test
    void nullAndEmptyHandlesStayZeroAndTakeNoSlot() {
        long address = userBytes(new byte[8]);
        PreparedHypercall prepared = xencomm.prepareUserHypercall(OP, new long[] {0, address}, finding(leaf(0, 64), leaf(1, 0)));
        assertThat(prepared.args()).containsExactly(0, 0);
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
        assertThat(refusal(new long[] {address}, HandleSiteFinder.NONE)).isEqualTo(XenErrno.ENOSYS);
    }

    @Test
    void aCopyBackIntoMemoryTheToolUnmappedFailsAfterEveryCopyWasTriedAndEverySlotCameBack() {
        long one = userBytes(new byte[100]);
        long two = userBytes(new byte[100]);
        long three = userBytes(new byte[100]);
        PreparedHypercall prepared = xencomm.prepareUserHypercall(OP, new long[] {one, two, three},
                finding(leaf(0, 100), leaf(1, 100), leaf(2, 100)));
        machine.write(prepared.args()[2], "third".getBytes(StandardCharsets.US_ASCII));
        process.munmap(one, 100);
        process.munmap(two, 100);

        assertThatThrownBy(prepared.completion()::run)
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));

        assertThat(new String(user(three, 5), StandardCharsets.US_ASCII)).as("the copy after the failed ones still ran").isEqualTo("third");
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
        prepared.completion().run(); // once only: nothing is copied or given back twice
        assertThat(pool.slotsInUse()).isEqualTo(slotsBefore);
    }
}
