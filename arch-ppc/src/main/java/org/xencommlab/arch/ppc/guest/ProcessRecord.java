package org.xencommlab.arch.ppc.guest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kernel remembers about one process for the ppc backend: the buffers it registered
 * (Problem #4: unregistered when it exits, if clean-up is on; and, in every case, so that privcmd
 * can read a structure a tool names by {@code bufid | offset}) and the device areas it mapped (so
 * that a descriptor-mode hypercall can pass them inline, and a registration-mode one can be read
 * back at the tool's address). Guarded by its own monitor.
 */
final class ProcessRecord {
    /** A device range mapped into the process: user address, length, guest-physical start. */
    record DeviceMapping(long userAddress, long length, long physicalAddress) {
        boolean contains(long address, long bytes) {
            return address >= userAddress && bytes <= length && address - userAddress <= length - bytes;
        }
    }

    private final Map<Long, RegisteredBufferApi.RegisteredBuffer> registrations = new LinkedHashMap<>();
    private final List<DeviceMapping> deviceMappings = new ArrayList<>();
    private boolean exited;

    /** Records a registration; false if the process already exited (the caller undoes it). */
    synchronized boolean addRegistration(RegisteredBufferApi.RegisteredBuffer buffer) {
        if (exited) {
            return false;
        }
        registrations.put(buffer.bufid(), buffer);
        return true;
    }

    /** Forgets a registration; false if it is not recorded (already cleaned up). */
    synchronized boolean removeRegistration(long bufid) {
        return registrations.remove(bufid) != null;
    }

    /** Marks the process exited and hands over every registration still recorded. */
    synchronized List<RegisteredBufferApi.RegisteredBuffer> exit() {
        exited = true;
        List<RegisteredBufferApi.RegisteredBuffer> left = new ArrayList<>(registrations.values());
        registrations.clear();
        return left;
    }

    synchronized int registrationCount() {
        return registrations.size();
    }

    /** The live registration {@code bufid} of this process, or null. */
    synchronized RegisteredBufferApi.RegisteredBuffer registration(long bufid) {
        return registrations.get(bufid);
    }

    synchronized void addDeviceMapping(DeviceMapping mapping) {
        deviceMappings.add(mapping);
    }

    synchronized void removeDeviceMapping(DeviceMapping mapping) {
        deviceMappings.remove(mapping);
    }

    /** The guest-physical address of [address, address + length) if one device mapping holds it all, else -1. */
    synchronized long devicePhysical(long address, long length) {
        for (DeviceMapping mapping : deviceMappings) {
            if (mapping.contains(address, length)) {
                return mapping.physicalAddress() + (address - mapping.userAddress());
            }
        }
        return -1;
    }

    /** The process's address of guest-physical [physical, physical + length) if one device mapping holds it all, else -1. */
    synchronized long deviceUserAddress(long physical, long length) {
        for (DeviceMapping mapping : deviceMappings) {
            if (physical >= mapping.physicalAddress() && length <= mapping.length()
                    && physical - mapping.physicalAddress() <= mapping.length() - length) {
                return mapping.userAddress() + (physical - mapping.physicalAddress());
            }
        }
        return -1;
    }
}
