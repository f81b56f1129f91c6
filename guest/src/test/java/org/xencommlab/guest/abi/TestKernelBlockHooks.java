package org.xencommlab.guest.abi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.testing.TestingGuestXencomm;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingStrategies;
import org.xencommlab.guest.tools.Dom0Tools;

/**
 * The kernel hands every block of its own that a hypercall names to the arch's guest half right
 * before the call and right after it, and tells it right before freeing the block
 * ({@code KernelXencomm.beforeKernelHypercall}, {@code releaseKernelBlock}): for the kernel's own
 * calls (an argument arena) and for the copies privcmd makes of a tool's memory for a strategy.
 */
final class TestKernelBlockHooks {
    @Test
    void aKernelCallsArenaIsHandedOverAroundTheCallAndReleasedBeforeItIsFreed() {
        TestingMachine machine = new TestingMachine();
        GuestKernel kernel = machine.boot(0, 512);
        int blocks = kernel.kernelBlocksLive();
        byte[] bytes = "balloon says hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        KernelHypercalls calls = new KernelHypercalls(kernel, kernel.xencomm(), machine.strategy);
        int before = hooks(kernel).size();

        calls.call(new ConsoleWriteRequest(bytes));

        assertThat(machine.console(0)).isEqualTo(bytes);
        int arena = Math.max(1, machine.strategy.argumentBytes(new ConsoleWriteRequest(bytes)));
        assertThat(since(kernel, before)).containsExactly("before " + arena, "after " + arena, "release " + arena);
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks);
    }

    @Test
    void aToolsBlockThatPrivcmdCopiedIsHandedOverAroundTheCallAndReleasedBeforeItIsFreed() {
        TestingMachine machine = new TestingMachine(TestingStrategies.embedded());
        GuestKernel dom0 = machine.boot(0, 1024);
        byte[] bytes = "a tool's console line".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.List<String> seen;
        try (Dom0Tools xl = machine.startTools(dom0, "xl")) {
            int before = hooks(dom0).size();
            xl.writeConsole(bytes);
            seen = since(dom0, before);
        }

        assertThat(machine.console(0)).isEqualTo(bytes);
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0)).startsWith("before ");
        String length = seen.get(0).substring("before ".length());
        assertThat(Integer.parseInt(length)).as("the tool's block, at least its bytes").isGreaterThanOrEqualTo(bytes.length);
        assertThat(seen).containsExactly("before " + length, "after " + length, "release " + length);
    }

    @Test
    void aPointerFormToolCallNamesNoKernelBlock() {
        TestingMachine machine = new TestingMachine(TestingStrategies.pointer());
        GuestKernel dom0 = machine.boot(0, 1024);
        try (Dom0Tools xl = machine.startTools(dom0, "xl")) {
            int before = hooks(dom0).size();
            xl.writeConsole(new byte[] {1, 2, 3});
            assertThat(since(dom0, before)).isEmpty();
        }
        assertThat(machine.console(0)).containsExactly(1, 2, 3);
    }

    private static java.util.List<String> since(GuestKernel kernel, int from) {
        java.util.List<String> all = hooks(kernel);
        return all.subList(from, all.size());
    }

    private static java.util.List<String> hooks(GuestKernel kernel) {
        return ((TestingGuestXencomm.KernelState) kernel.xencomm()).blockHooks();
    }
}
