package org.xencommlab.examples.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The whole path of issue 2 on every arch and variant: a user process in dom0 writes to the console
 * through privcmd, the hypervisor copies the bytes from guest memory through the arch backend,
 * and they arrive intact — including a buffer that crosses a page boundary.
 */
final class TestConsoleThroughPrivcmd {
    private static final RunInjectors INJECTORS = new RunInjectors(PluginRegistry.discover());

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("x86", java.util.Map.<String, String>of()),
                Arguments.of("x86", java.util.Map.of("buffers", "device")),
                Arguments.of("ppc", java.util.Map.<String, String>of()),
                Arguments.of("ppc", java.util.Map.of("buffers", "device")),
                Arguments.of("ppc", java.util.Map.of("mode", "descriptor")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void aToolWritesTheConsoleThroughPrivcmd(String arch, java.util.Map<String, String> parameters) {
        Machine machine = INJECTORS.machine(new LabConfiguration(arch, "pointer", parameters, java.util.Map.of()),
                RunEnvironment.defaults(42));
        GuestKernel dom0 = machine.bootDom0(32L << 20);
        machine.bootGuest(1, 16L << 20);
        XcHandle tool = machine.startTool(dom0, "xl");

        HypercallBuffer buffer = tool.allocBuf(2);
        tool.allocMem(buffer, machine.pageSize().bytes() - 40); // push the next slice across the page boundary
        byte[] message = "hello from dom0, across a page boundary: 0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        BufferSlice slice = tool.allocMem(buffer, message.length);
        assertThat(machine.pageSize().pageOf(slice.userAddress()))
                .isNotEqualTo(machine.pageSize().pageOf(slice.userAddress() + message.length - 1));
        tool.process().writeMemory(slice.userAddress(), message, 0, message.length);

        long result = tool.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, message.length,
                slice.reference().value());

        assertThat(result).isZero();
        assertThat(machine.hypervisor().console().output(0)).isEqualTo(message);
        assertThat(machine.hypervisor().console().output(1)).isEmpty();
        tool.freeBuf(buffer);
        machine.stopAllProcesses();
        assertThat(machine.hypervisor().audit()).isEmpty();
    }
}
