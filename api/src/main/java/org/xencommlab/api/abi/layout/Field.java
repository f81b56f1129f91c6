package org.xencommlab.api.abi.layout;

import static java.util.Objects.requireNonNull;

/**
 * One field of a {@link StructLayout}.
 *
 * @param name the field's name as Xen's public header spells it (or the lab's, for embedded-only fields)
 * @param offset byte offset from the start of the structure
 * @param size bytes the field occupies; for a variable array ({@code count == -1}) the size of one element
 * @param kind what the field holds
 * @param count elements of an {@link FieldKind#ARRAY} field, -1 for a trailing variable-length array, 1 otherwise
 * @param note a few words on meaning (units, who writes it), may be empty
 */
public record Field(String name, int offset, int size, FieldKind kind, int count, String note) {
    public Field {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(note, "note is null");
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException("bad offset/size for " + name + ": " + offset + "/" + size);
        }
        if (count == 0 || count < -1 || (kind != FieldKind.ARRAY && count != 1)) {
            throw new IllegalArgumentException("bad count for " + name + ": " + count);
        }
    }

    public static Field u8(String name, int offset, String note) {
        return new Field(name, offset, 1, FieldKind.U8, 1, note);
    }

    public static Field u16(String name, int offset, String note) {
        return new Field(name, offset, 2, FieldKind.U16, 1, note);
    }

    public static Field u32(String name, int offset, String note) {
        return new Field(name, offset, 4, FieldKind.U32, 1, note);
    }

    public static Field u64(String name, int offset, String note) {
        return new Field(name, offset, 8, FieldKind.U64, 1, note);
    }

    public static Field handle(String name, int offset, String note) {
        return new Field(name, offset, 8, FieldKind.HANDLE, 1, note);
    }

    public static Field padding(String name, int offset, int size) {
        return new Field(name, offset, size, FieldKind.PADDING, 1, "");
    }

    /** A fixed array of {@code count} elements of {@code elementSize} bytes. */
    public static Field array(String name, int offset, int elementSize, int count, String note) {
        return new Field(name, offset, elementSize * count, FieldKind.ARRAY, count, note);
    }

    /** A trailing array whose length another field gives; {@code elementSize} per element. */
    public static Field variableArray(String name, int offset, int elementSize, String note) {
        return new Field(name, offset, elementSize, FieldKind.ARRAY, -1, note);
    }

    /** Whether this is a trailing array of variable length. */
    public boolean isVariable() {
        return count == -1;
    }

    /** First byte after this field (for a variable array, its start). */
    public int end() {
        return isVariable() ? offset : offset + size;
    }
}
