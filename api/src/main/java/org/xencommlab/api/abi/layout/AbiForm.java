package org.xencommlab.api.abi.layout;

/** The two forms a hypercall structure takes, one per argument strategy. */
public enum AbiForm {
    /** Structures hold guest handles to their arrays and sub-structures, as in Xen's public headers (x86-64 layout). */
    POINTER("pointer"),
    /** No pointers: one contiguous block, header first, arrays inline, of bounded size. */
    EMBEDDED("embedded");

    private final String label;

    AbiForm(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
