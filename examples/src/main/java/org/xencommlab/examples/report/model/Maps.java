package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Canonical, immutable sorted copies, so a report never depends on a caller's map order. */
final class Maps {
    private Maps() {}

    static <V> SortedMap<String, V> sortedCopy(Map<String, V> map, String what) {
        if (map == null) {
            return Collections.emptySortedMap();
        }
        TreeMap<String, V> copy = new TreeMap<>();
        map.forEach((key, value) -> copy.put(
                requireNonNull(key, () -> what + " has a null key"),
                requireNonNull(value, () -> what + " has a null value for " + key)));
        return Collections.unmodifiableSortedMap(copy);
    }

    /** {@code a=1,b=2}: the one spelling of a parameter map in labels, CSV cells and tables. */
    static String describe(Map<String, String> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
