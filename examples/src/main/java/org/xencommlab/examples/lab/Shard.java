package org.xencommlab.examples.lab;

/**
 * One slice of a comparison, {@code I/N}: the runs whose index in the comparison's run order
 * (scenario, then configuration, then seed, then the sweeps' runs) is I modulo N. The N shards
 * {@code 0/N .. N-1/N} hold every run exactly once; {@code 0/1} is the whole comparison.
 *
 * @param index I, from 0 to {@code count - 1}
 * @param count N, at least 1
 */
public record Shard(int index, int count) {
    /** The most shards a comparison can be split into. */
    public static final int MAX_COUNT = 1_000_000;

    /** The whole comparison. */
    public static final Shard WHOLE = new Shard(0, 1);

    public Shard {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("shard count must be between 1 and " + MAX_COUNT + ", not " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard index must be between 0 and " + (count - 1) + " for " + count
                    + " shards, not " + index);
        }
    }

    /**
     * Parses {@code I/N}.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Shard parse(String text) {
        String why = "--shard wants I/N with 0 <= I < N (for example 0/4), not '" + text + "'";
        if (text == null) {
            throw new IllegalArgumentException(why);
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(why);
        }
        int index = number(text.substring(0, slash), why);
        int count = number(text.substring(slash + 1), why);
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("--shard " + text + ": N must be between 1 and " + MAX_COUNT);
        }
        if (index >= count) {
            throw new IllegalArgumentException("--shard " + text + ": I must be below N (shards are numbered 0 to "
                    + (count - 1) + ")");
        }
        return new Shard(index, count);
    }

    private static int number(String digits, String why) {
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(why);
        }
        return Integer.parseInt(digits);
    }

    /** Whether run {@code runIndex} of the comparison belongs to this shard. */
    public boolean holds(int runIndex) {
        return runIndex % count == index;
    }

    /** How many of the runs {@code 0 .. total - 1} this shard holds. */
    public int runsOf(int total) {
        if (total < 0) {
            throw new IllegalArgumentException("total must not be negative");
        }
        return total <= index ? 0 : (total - 1 - index) / count + 1;
    }

    /** The comparison's index of this shard's {@code k}-th run. */
    public int runIndex(int k) {
        return Math.toIntExact((long) k * count + index);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
