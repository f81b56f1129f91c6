package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * One count over the seeds of a configuration x scenario: median, mean, sample standard deviation,
 * min, max and the 95% confidence interval of the mean (Student's t with n-1 degrees of freedom).
 * Computed with Apache Commons Math from the exact values, in ascending order, so the result does
 * not depend on the order the runs finished in.
 *
 * <p>In JSON a count that did not vary is one integer; a varying one is an object
 * {@code {median, mean, sd, min, max, ciLow, ciHigh}}, fractions rounded to 3 decimals.
 *
 * @param median the median (the mean of the two middle values for an even number of runs)
 * @param mean the arithmetic mean
 * @param sd the sample standard deviation (0 for one run)
 * @param min the least value
 * @param max the greatest value
 * @param ciLow the lower end of the 95% confidence interval of the mean (the mean for one run)
 * @param ciHigh the upper end of that interval
 */
public record Stat(double median, double mean, double sd, long min, long max, double ciLow, double ciHigh) {
    /** The confidence level of {@link #ciLow}..{@link #ciHigh}. */
    public static final double CONFIDENCE = 0.95;

    public Stat {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("bad range " + min + ".." + max);
        }
        if (!(median >= min && median <= max && mean >= min && mean <= max)) {
            throw new IllegalArgumentException("median " + median + " or mean " + mean + " outside " + min + ".." + max);
        }
        if (!(sd >= 0) || !(ciLow <= mean) || !(ciHigh >= mean)) {
            throw new IllegalArgumentException("bad spread: sd " + sd + ", interval " + ciLow + ".." + ciHigh);
        }
    }

    /** A count every run had. */
    public static Stat constant(long value) {
        return new Stat(value, value, 0, value, value, value, value);
    }

    /**
     * The statistics of {@code runs} values, of which {@code nonZero} holds every non-zero value
     * with how many runs had it (the other runs had 0).
     */
    public static Stat of(NavigableMap<Long, Long> nonZero, long runs) {
        requireNonNull(nonZero, "nonZero is null");
        long counted = nonZero.values().stream().mapToLong(Long::longValue).sum();
        if (runs < 1 || counted > runs) {
            throw new IllegalArgumentException(counted + " values counted in " + runs + " runs");
        }
        long zeros = runs - counted;
        if (nonZero.isEmpty()) {
            return constant(0);
        }
        if (zeros == 0 && nonZero.size() == 1) {
            return constant(nonZero.firstKey());
        }
        if (runs > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many runs: " + runs);
        }
        double[] values = new double[(int) runs];
        int i = (int) zeros;
        for (Map.Entry<Long, Long> entry : nonZero.entrySet()) {
            for (long k = 0; k < entry.getValue(); k++) {
                values[i++] = entry.getKey();
            }
        }
        SummaryStatistics summary = new SummaryStatistics();
        for (double value : values) {
            summary.addValue(value);
        }
        double mean = summary.getMean();
        double sd = summary.getStandardDeviation();
        double half = 0;
        if (runs > 1) {
            double t = new TDistribution(null, runs - 1.0).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
            half = t * sd / Math.sqrt(runs);
        }
        long min = zeros > 0 ? 0 : nonZero.firstKey();
        return new Stat(round(new Median().evaluate(values)), round(mean), round(sd), min, nonZero.lastKey(),
                Math.min(round(mean), round(mean - half)), Math.max(round(mean), round(mean + half)));
    }

    /** Whether every run had the same value. */
    public boolean constantValue() {
        return min == max;
    }

    /** Half the width of the confidence interval. */
    public double ciHalfWidth() {
        return (ciHigh - ciLow) / 2;
    }

    /** The JSON form: one integer, or the object. */
    @JsonValue
    public Object json() {
        if (constantValue()) {
            return min;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("median", median);
        fields.put("mean", mean);
        fields.put("sd", sd);
        fields.put("min", min);
        fields.put("max", max);
        fields.put("ciLow", ciLow);
        fields.put("ciHigh", ciHigh);
        return fields;
    }

    /** Reads the JSON form back. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Stat fromJson(Object json) {
        if (json instanceof Number number) {
            return constant(number.longValue());
        }
        if (json instanceof Map<?, ?> map) {
            return new Stat(number(map, "median"), number(map, "mean"), number(map, "sd"), (long) number(map, "min"),
                    (long) number(map, "max"), number(map, "ciLow"), number(map, "ciHigh"));
        }
        throw new IllegalArgumentException("a statistic is an integer or an object, not " + json);
    }

    private static double number(Map<?, ?> map, String key) {
        if (!(map.get(key) instanceof Number number)) {
            throw new IllegalArgumentException("statistic lacks the number " + key);
        }
        return number.doubleValue();
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
