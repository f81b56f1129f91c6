package org.xencommlab.guest.abi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingStrategies;
import org.xencommlab.guest.testing.TestingWalker;
import org.xencommlab.guest.tools.Dom0Tools;

final class ArgumentPlacementProperties {
    @Property(tries = 40)
    void kernelPiecesHoldTheirBytesAtTheirReferencesAndTheArenaIsFreed(@ForAll @Size(min = 1, max = 8) List<@Size(max = 3000) byte[]> pieces) {
        TestingMachine machine = new TestingMachine();
        GuestKernel kernel = machine.boot(0, 512);
        int blocks = kernel.kernelBlocksLive();
        int total = 0;
        for (byte[] piece : pieces) {
            total = (int) PlacementSize.align(total) + piece.length;
        }
        List<ArgumentPlacement.Placed> placed = new ArrayList<>();
        try (KernelPlacement arena = KernelPlacement.allocate(kernel, kernel.xencomm(), total)) {
            for (byte[] piece : pieces) {
                placed.add(arena.place(piece));
            }
            assertThat(arena.used()).isEqualTo(total);
            for (int i = 0; i < pieces.size(); i++) {
                byte[] back = new byte[pieces.get(i).length];
                placed.get(i).read(0, back, 0, back.length);
                assertThat(back).isEqualTo(pieces.get(i));
                // What the hypervisor would find at the reference: a kernel address through the page tables.
                if (back.length > 0) {
                    long va = placed.get(i).reference().value();
                    long physical = TestingWalker.translate(kernel.physicalMemory(), kernel.kernelRootGfn(), va);
                    byte[] first = new byte[1];
                    kernel.physicalMemory().read(physical, first, 0, 1);
                    assertThat(first[0]).isEqualTo(pieces.get(i)[0]);
                }
            }
        }
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks);
    }

    @Property(tries = 30)
    void aConsoleWriteOfAnyLengthArrivesWholeInEveryForm(@ForAll @IntRange(min = 0, max = 9000) int length, @ForAll @IntRange(min = 0, max = 2) int form) {
        ArgumentStrategy strategy = TestingStrategies.all().toList().get(form);
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        try (Dom0Tools xl = machine.startTools(dom0, "xl")) {
            xl.writeConsole(bytes);
        }
        assertThat(machine.console(0)).isEqualTo(bytes);
        assertThat(strategy.argumentBytes(new ConsoleWriteRequest(new byte[Math.min(length, 200)])))
                .isGreaterThanOrEqualTo(Math.min(length, 200));
        if (strategy.form() == org.xencommlab.api.abi.layout.AbiForm.EMBEDDED) {
            assertThat(machine.metrics.get(Counter.MLOCK_CALLS)).isZero();
        }
    }
}
