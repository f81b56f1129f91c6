package org.xencommlab.arch.x86.guest;

import static java.util.Objects.requireNonNull;

/**
 * How the x86 guest half makes a tool's hypercall buffers reachable by the hypervisor.
 *
 * @param buffers {@link Buffers#MLOCK}: anonymous memory, touched and mlocked (libxc until
 *     2018); {@link Buffers#UNLOCKED}: the same memory never locked, which the swapper may take
 *     away under the hypervisor (why x86 mlocks); {@link Buffers#DEVICE}: pages of a privcmd-buf-like device ({@code /dev/xen/hypercall})
 * @param align for mlocked buffers, {@link Alignment#PAGE}: each buffer has its own pages (libxc
 *     since 2008); {@link Alignment#NONE}: buffers come from a malloc-like heap and share pages
 *     with their neighbours, which shows the 2008 bug (munlock is not reference counted)
 * @param deviceLimitPages pages one open of the device may have mapped at once (Linux's
 *     privcmd-buf {@code limit} module parameter, default 64)
 */
public record X86BufferConfig(Buffers buffers, Alignment align, int deviceLimitPages) {
    /** Linux's privcmd-buf default: {@code static unsigned int limit = 64}. */
    public static final int DEFAULT_DEVICE_LIMIT_PAGES = 64;

    public X86BufferConfig {
        requireNonNull(buffers, "buffers is null");
        requireNonNull(align, "align is null");
        if (deviceLimitPages < 0) {
            throw new IllegalArgumentException("negative device limit: " + deviceLimitPages);
        }
    }

    /** mlocked, page-aligned buffers; a 64-page device limit. */
    public static X86BufferConfig defaults() {
        return new X86BufferConfig(Buffers.MLOCK, Alignment.PAGE, DEFAULT_DEVICE_LIMIT_PAGES);
    }

    /** Where buffer pages come from. */
    public enum Buffers {
        MLOCK("mlock"),
        /** Anonymous memory, touched but never locked: what goes wrong without mlock. */
        UNLOCKED("unlocked"),
        DEVICE("device");

        private final String parameterValue;

        Buffers(String parameterValue) {
            this.parameterValue = parameterValue;
        }

        public String parameterValue() {
            return parameterValue;
        }

        /** The constant whose parameter value is {@code value}. */
        public static Buffers fromParameter(String value) {
            for (Buffers b : values()) {
                if (b.parameterValue.equals(value)) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown buffers value '" + value + "'; valid: mlock, unlocked, device");
        }
    }

    /** Where mlocked buffers lie in the tool's address space. */
    public enum Alignment {
        PAGE("page"),
        NONE("none");

        private final String parameterValue;

        Alignment(String parameterValue) {
            this.parameterValue = parameterValue;
        }

        public String parameterValue() {
            return parameterValue;
        }

        /** The constant whose parameter value is {@code value}. */
        public static Alignment fromParameter(String value) {
            for (Alignment a : values()) {
                if (a.parameterValue.equals(value)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown align value '" + value + "'; valid: page, none");
        }
    }
}
