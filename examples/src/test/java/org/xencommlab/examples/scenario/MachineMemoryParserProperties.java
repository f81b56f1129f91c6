package org.xencommlab.examples.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

final class MachineMemoryParserProperties {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    @Provide
    Arbitrary<Integer> units() {
        return Arbitraries.integers().between(0, UNITS.length - 1);
    }

    @Property(tries = 500)
    void aNumberWithAUnitIsItsBytesWhenInRange(@ForAll @LongRange(min = 0, max = 1L << 42) long number,
            @ForAll("units") int unit) {
        int shift = unit * 10;
        String text = number + (number % 2 == 0 ? UNITS[unit] : UNITS[unit].toUpperCase());
        boolean fits = number <= (MachineSettings.MAX_MEMORY_BYTES >>> shift);
        long bytes = number << shift;
        if (fits && bytes >= MachineSettings.MIN_MEMORY_BYTES && (bytes & 0xFFFF) == 0) {
            assertThat(MachineSettings.parseMemory(text)).isEqualTo(bytes);
        } else {
            assertThatThrownBy(() -> MachineSettings.parseMemory(text)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad value '" + text + "' for machine-memory");
        }
    }

    @Property(tries = 500)
    void anyOtherTextIsRefusedWithAClearError(@ForAll String text) {
        try {
            long bytes = MachineSettings.parseMemory(text);
            assertThat(text).matches("(?i)[0-9]+(b|kib|mib|gib|tib)");
            assertThat(bytes).isBetween(MachineSettings.MIN_MEMORY_BYTES, MachineSettings.MAX_MEMORY_BYTES);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("bad value '").contains("valid: a size from 128MiB to 4TiB");
        }
    }

    @Property(tries = 200)
    void signsSpacesFractionsAndOverflowAreRefused(@ForAll("units") int unit) {
        for (String text : new String[] {"-1" + UNITS[unit], "+64" + UNITS[unit], " 64" + UNITS[unit], "64 " + UNITS[unit],
                "1.5" + UNITS[unit], "99999999999999999999" + UNITS[unit], UNITS[unit], "64" + UNITS[unit] + "x"}) {
            assertThatThrownBy(() -> MachineSettings.parseMemory(text)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
