package org.xencommlab.api.trace;

/** Kinds of trace events. */
public enum TraceKind {
    SYSCALL("syscall"),
    HYPERCALL("hypercall"),
    CONTINUATION("continuation"),
    REGISTRATION("registration"),
    FAULT("fault"),
    PAGING("paging"),
    PROCESS("process"),
    SCHEDULE("schedule"),
    LIBRARY("library");

    private final String label;

    TraceKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
