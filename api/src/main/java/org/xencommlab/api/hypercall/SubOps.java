package org.xencommlab.api.hypercall;

/** Sub-operation numbers of the modelled hypercalls, from Xen's public headers. */
public final class SubOps {
    private SubOps() {}

    /** {@code xen_version} commands (public/version.h). */
    public static final class XenVersion {
        public static final int VERSION = 0;
        public static final int EXTRAVERSION = 1;
        public static final int CAPABILITIES = 3;
        public static final int PAGESIZE = 7;
        /** Length of the {@code xen_extraversion_t} character array. */
        public static final int EXTRAVERSION_LENGTH = 16;
        /** Length of the {@code xen_capabilities_info_t} character array. */
        public static final int CAPABILITIES_LENGTH = 1024;

        private XenVersion() {}
    }

    /** {@code console_io} commands (public/xen.h). */
    public static final class ConsoleIo {
        public static final int WRITE = 0;
        public static final int READ = 1;

        private ConsoleIo() {}
    }

    /** {@code memory_op} commands (public/memory.h). */
    public static final class MemoryOp {
        public static final int INCREASE_RESERVATION = 0;
        public static final int DECREASE_RESERVATION = 1;
        public static final int CURRENT_RESERVATION = 3;
        public static final int MAXIMUM_RESERVATION = 4;
        public static final int POPULATE_PHYSMAP = 6;
        public static final int EXCHANGE = 11;
        /** Continuation encoding: {@code cmd = op | (start_extent << EXTENT_SHIFT)}. */
        public static final int EXTENT_SHIFT = 6;
        public static final long CMD_MASK = (1L << EXTENT_SHIFT) - 1;

        private MemoryOp() {}
    }

    /** {@code sysctl} commands (public/sysctl.h). */
    public static final class Sysctl {
        public static final int GETDOMAININFOLIST = 6;

        private Sysctl() {}
    }
}
