package org.xencommlab.arch.ppc.guest;

import java.util.IdentityHashMap;
import java.util.Map;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.arch.ppc.PpcConfig;

/** What the ppc backend keeps in one guest kernel: its device area and its per-process records. */
final class KernelState {
    private final KernelServices kernel;
    private final PpcConfig config;
    private final Map<UserProcessServices, ProcessRecord> processes = new IdentityHashMap<>();
    private DeviceArea deviceArea;

    KernelState(KernelServices kernel, PpcConfig config) {
        this.kernel = kernel;
        this.config = config;
    }

    /** The device area, reserved (and registered in registration mode) at first use. */
    synchronized DeviceArea deviceArea() {
        if (deviceArea == null) {
            deviceArea = DeviceArea.reserve(kernel, config.devicePages(), config.mode() == PpcConfig.Mode.REGISTRATION);
        }
        return deviceArea;
    }

    /** The device area if it was reserved, else null. */
    synchronized DeviceArea deviceAreaIfReserved() {
        return deviceArea;
    }

    /**
     * The record of {@code process}, made at first use together with its exit hook: the hook
     * forgets the record and, with clean-up on, releases the registrations left in it.
     */
    ProcessRecord record(UserProcessServices process) {
        ProcessRecord record;
        synchronized (this) {
            record = processes.get(process);
            if (record != null) {
                return record;
            }
            record = new ProcessRecord();
            processes.put(process, record);
        }
        ProcessRecord made = record;
        process.atExit(() -> {
            synchronized (this) {
                processes.remove(process);
            }
            if (config.cleanup()) {
                RegisteredBufferApi.cleanUp(process, made);
            } else {
                made.exit();
            }
        });
        return record;
    }

    /** The record of {@code process} if it has one, else null. */
    synchronized ProcessRecord recordIfAny(UserProcessServices process) {
        return processes.get(process);
    }
}
