package org.xencommlab.api.abi.layout;

import java.util.Optional;

/** Which structure an embedded block carries; the {@code kind} field of {@link EmbeddedBlockHeader}. */
public enum BlockKind {
    MEMORY_RESERVATION(1),
    MULTICALL(2),
    CONSOLE_IO(3),
    SYSCTL_GETDOMAININFOLIST(4),
    DM_OP(5);

    private final int code;

    BlockKind(int code) {
        this.code = code;
    }

    /** The value of the header's {@code kind} field. */
    public int code() {
        return code;
    }

    public static Optional<BlockKind> fromCode(int code) {
        for (BlockKind kind : values()) {
            if (kind.code == code) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
