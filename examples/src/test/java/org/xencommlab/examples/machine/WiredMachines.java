package org.xencommlab.examples.machine;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/** Fully wired machines for tests, built exactly as the lab builds them. */
final class WiredMachines {
    static final RunInjectors INJECTORS = new RunInjectors(PluginRegistry.discover());

    private WiredMachines() {}

    static Machine machine(String arch, Map<String, String> archParameters, long seed) {
        return INJECTORS.machine(new LabConfiguration(arch, "pointer", archParameters, Map.of()), RunEnvironment.defaults(seed));
    }

    static Machine machine(String arch, Map<String, String> archParameters, RunEnvironment environment) {
        return INJECTORS.machine(new LabConfiguration(arch, "pointer", archParameters, Map.of()), environment);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes {@code message} into {@code slice} and asks the hypervisor to print it (pointer form). */
    static long consoleWrite(XcHandle tool, BufferSlice slice, byte[] message) {
        tool.process().writeMemory(slice.userAddress(), message, 0, message.length);
        return tool.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, message.length, slice.reference().value());
    }
}
