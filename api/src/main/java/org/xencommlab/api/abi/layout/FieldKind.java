package org.xencommlab.api.abi.layout;

/** What a field of a structure layout holds, as the CLI names it. */
public enum FieldKind {
    U8("u8"),
    U16("u16"),
    U32("u32"),
    U64("u64"),
    /** A guest handle: one 64-bit memory-reference word naming guest memory (pointer form only). */
    HANDLE("handle"),
    /** An array of elements held inline; {@link Field#count()} says how many, -1 for "as many as a count field says". */
    ARRAY("array"),
    /** Bytes the structure reserves: implicit compiler padding (pointer form) or explicit, must-be-zero padding. */
    PADDING("padding");

    private final String label;

    FieldKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
