package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

/**
 * A breach of the hypervisor's promises, found after call {@code call} of a sequence.
 *
 * @param call the index of the call after which it was found
 * @param kind what was broken (a short, stable name: {@code exception}, {@code canary-changed}, …)
 * @param detail what exactly was seen
 */
public record Breach(long call, String kind, String detail) {
    public Breach {
        requireNonNull(kind, "kind is null");
        requireNonNull(detail, "detail is null");
    }

    @Override
    public String toString() {
        return kind + " after call " + call + ": " + detail;
    }
}
