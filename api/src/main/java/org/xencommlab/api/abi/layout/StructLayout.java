package org.xencommlab.api.abi.layout;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The byte layout of one structure in one form: fields in offset order, no gaps (padding is a
 * field), little-endian (x86-64).
 *
 * @param name the structure's name ({@code struct xen_memory_reservation} is {@code xen_memory_reservation})
 * @param form which form this layout is
 * @param fields the fields, in offset order, covering every byte of the fixed part
 * @param size bytes of the fixed part; the total size when there is no trailing variable array. In
 *     the pointer form this is C's {@code sizeof} on x86-64 (gcc).
 * @param usedBytes bytes of the fixed part the lab reads and writes: {@code size} unless the
 *     structure is larger than what its modelled operation copies (Xen's {@code dm_op} copies
 *     {@code offsetof(struct xen_dm_op, u)} plus the operation's own member, 16 of the 32 bytes
 *     of {@code struct xen_dm_op} for modified_memory)
 * @param alignment the structure's alignment in bytes
 */
public record StructLayout(String name, AbiForm form, List<Field> fields, int size, int usedBytes, int alignment) {
    /** A layout whose every byte is used. */
    public StructLayout(String name, AbiForm form, List<Field> fields, int size, int alignment) {
        this(name, form, fields, size, size, alignment);
    }

    public StructLayout {
        if (usedBytes < 0 || usedBytes > size) {
            throw new IllegalArgumentException(name + ": " + usedBytes + " bytes used of " + size);
        }
        requireNonNull(name, "name is null");
        requireNonNull(form, "form is null");
        fields = List.copyOf(requireNonNull(fields, "fields is null"));
        if (alignment <= 0 || Integer.bitCount(alignment) != 1 || size % alignment != 0) {
            throw new IllegalArgumentException(name + ": size " + size + " is not a multiple of alignment " + alignment);
        }
        int next = 0;
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            if (field.offset() != next) {
                throw new IllegalArgumentException(name + ": field " + field.name() + " at " + field.offset() + ", expected " + next);
            }
            if (field.isVariable() && i != fields.size() - 1) {
                throw new IllegalArgumentException(name + ": variable array " + field.name() + " is not last");
            }
            next = field.end();
        }
        if (next != size) {
            throw new IllegalArgumentException(name + ": fields end at " + next + ", size is " + size);
        }
    }

    /** The field named {@code fieldName}. */
    public Field field(String fieldName) {
        return fields.stream()
                .filter(f -> f.name().equals(fieldName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no field " + fieldName));
    }

    /** The trailing variable array, if the structure ends with one. */
    public Optional<Field> trailingArray() {
        return fields.isEmpty() || !fields.get(fields.size() - 1).isVariable()
                ? Optional.empty()
                : Optional.of(fields.get(fields.size() - 1));
    }

    /** Total bytes with {@code elements} elements in the trailing array (the size when there is none). */
    public long sizeWith(long elements) {
        return size + trailingArray().map(f -> (long) f.size() * elements).orElse(0L);
    }
}
