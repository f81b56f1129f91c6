package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A process's device mappings hold a range only whole, in both directions, at every edge. */
final class TestProcessRecordRanges {
    private static final ProcessRecord.DeviceMapping MAPPING = new ProcessRecord.DeviceMapping(0x10_0000, 0x3000, 0x80_0000);

    @Test
    void aMappingContainsExactlyItsOwnBytes() {
        assertThat(MAPPING.contains(0x10_0000, 0x3000)).isTrue();
        assertThat(MAPPING.contains(0x10_0000, 0x3001)).isFalse();
        assertThat(MAPPING.contains(0x10_0001, 0x3000)).isFalse();
        assertThat(MAPPING.contains(0x10_2FFF, 1)).isTrue();
        assertThat(MAPPING.contains(0x10_3000, 0)).isTrue();
        assertThat(MAPPING.contains(0x10_3000, 1)).isFalse();
        assertThat(MAPPING.contains(0x0F_FFFF, 1)).isFalse();
        assertThat(MAPPING.contains(0x0F_FFFF, 2)).isFalse();
    }

    @Test
    void physicalAndUserAddressesTranslateOnlyWholeRanges() {
        ProcessRecord record = new ProcessRecord();
        assertThat(record.devicePhysical(0x10_0000, 1)).isEqualTo(-1);
        assertThat(record.deviceUserAddress(0x80_0000, 1)).isEqualTo(-1);
        record.addDeviceMapping(MAPPING);
        assertThat(record.devicePhysical(0x10_0010, 16)).isEqualTo(0x80_0010);
        assertThat(record.devicePhysical(0x10_2FF0, 17)).isEqualTo(-1);
        assertThat(record.deviceUserAddress(0x80_0000, 0x3000)).isEqualTo(0x10_0000);
        assertThat(record.deviceUserAddress(0x80_0010, 16)).isEqualTo(0x10_0010);
        assertThat(record.deviceUserAddress(0x80_2FFF, 1)).isEqualTo(0x10_2FFF);
        assertThat(record.deviceUserAddress(0x80_3000, 0)).isEqualTo(0x10_3000);
        assertThat(record.deviceUserAddress(0x80_3000, 1)).isEqualTo(-1);
        assertThat(record.deviceUserAddress(0x80_0000, 0x3001)).isEqualTo(-1);
        assertThat(record.deviceUserAddress(0x80_0001, 0x3000)).isEqualTo(-1);
        assertThat(record.deviceUserAddress(0x7F_FFFF, 1)).isEqualTo(-1);
        record.removeDeviceMapping(MAPPING);
        assertThat(record.deviceUserAddress(0x80_0000, 1)).isEqualTo(-1);
    }

    @Test
    void anUnknownRegistrationIsNotRemoved() {
        ProcessRecord record = new ProcessRecord();
        assertThat(record.removeRegistration(0x1234)).isFalse();
        assertThat(record.registrationCount()).isZero();
        assertThat(record.exit()).isEmpty();
    }
}
