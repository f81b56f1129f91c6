package org.xencommlab.api.abi;

import static java.util.Objects.requireNonNull;

/**
 * What a handler asks a strategy to decode: a typed key naming one hypercall's decoded view (for
 * example {@code ReservationArguments.KIND}). The hypercall's package declares it next to the view;
 * each form's decoder for that hypercall answers it ({@link ArgumentStrategy#decode}).
 *
 * @param name what the view is, for messages ("memory_op reservation")
 * @param type the view's interface
 * @param <V> the view type
 */
public record ArgumentKind<V>(String name, Class<V> type) {
    public ArgumentKind {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    @Override
    public String toString() {
        return name;
    }
}
