package org.xencommlab.examples.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number spellings shared by the renderers, independent of the JVM's locale. */
final class Numbers {
    private Numbers() {}

    /** {@code 1234567} as {@code 1,234,567}. */
    static String group(long value) {
        String digits = Long.toString(Math.abs(value));
        StringBuilder grouped = new StringBuilder(digits.length() + digits.length() / 3 + 1);
        int lead = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
        grouped.append(digits, 0, lead);
        for (int i = lead; i < digits.length(); i += 3) {
            grouped.append(',').append(digits, i, i + 3);
        }
        return value < 0 ? "-" + grouped : grouped.toString();
    }

    /** Parses a {@link #group} spelling back. */
    static long ungroup(String text) {
        return Long.parseLong(text.replace(",", ""));
    }

    /** Nanoseconds as microseconds with one decimal: {@code 12345} as {@code 12.3}. */
    static String micros(long nanos) {
        return BigDecimal.valueOf(nanos).movePointLeft(3).setScale(1, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** A cost value without a needless {@code .0}: {@code 500.0} as {@code 500}, {@code 0.5} as {@code 0.5}. */
    static String cost(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A statistic: grouped, with at most one decimal, {@code 1234.5} as {@code 1,234.5}, {@code 12.0} as {@code 12}. */
    static String decimal(double value) {
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_EVEN);
        long whole = rounded.longValue();
        int tenth = rounded.subtract(BigDecimal.valueOf(whole)).movePointRight(1).abs().intValue();
        return (value < 0 && whole == 0 ? "-" : "") + group(whole) + (tenth == 0 ? "" : "." + tenth);
    }

    /** A statistic with its 95% interval: {@code 12} when it did not vary, else {@code 12.3±0.4} (mean ± half-width). */
    static String stat(org.xencommlab.examples.report.model.Stat stat) {
        if (stat.constantValue()) {
            return group(stat.min());
        }
        return decimal(stat.mean()) + "±" + decimal(stat.ciHalfWidth());
    }
}
