package org.xencommlab.api.abi.layout;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One structure of the hypercall ABI with its layout in each form.
 *
 * @param name the name users type ({@code xencomm-lab abi xen_memory_reservation})
 * @param description one line: what it is and where it comes from
 * @param pointerForm the layout in the pointer form, empty when the structure exists only in the embedded form
 * @param embeddedForm the layout in the embedded form, empty when the structure exists only in the
 *     pointer form (a structure made only of handles has no embedded counterpart)
 */
public record AbiStructure(String name, String description, Optional<StructLayout> pointerForm, Optional<StructLayout> embeddedForm) {
    public AbiStructure {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(pointerForm, "pointerForm is null");
        requireNonNull(embeddedForm, "embeddedForm is null");
        if (pointerForm.isEmpty() && embeddedForm.isEmpty()) {
            throw new IllegalArgumentException(name + " has no layout");
        }
    }

    /** The layout in {@code form}, if the structure exists in it. */
    public Optional<StructLayout> layout(AbiForm form) {
        return form == AbiForm.POINTER ? pointerForm : embeddedForm;
    }
}
