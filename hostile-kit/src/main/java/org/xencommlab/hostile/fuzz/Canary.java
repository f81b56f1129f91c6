package org.xencommlab.hostile.fuzz;

import org.xencommlab.api.abi.layout.LittleEndian;

/**
 * The canary pattern: a page of 8-byte words, each the session's 6-byte tag in its top bytes over
 * the owner's domid and the word's index in its low two, so that any 14 or more bytes copied out of
 * a canary page (wherever they land) hold the whole tag of one word, which {@link #find} sees.
 */
public final class Canary {
    /** Bytes of each word that are the tag alone (the top six); what a scan looks for. */
    public static final int TAG_BYTES = 6;
    private static final long TAG_MASK = 0xFFFF_FFFF_FFFF_0000L;

    private Canary() {}

    /** A tag derived from the seed whose top six bytes are all non-zero and not 0xff. */
    public static long tag(long seed) {
        long x = seed * 0x9E37_79B9_7F4A_7C15L + 0x2545_F491_4F6C_DD1DL;
        long tag = 0;
        for (int i = 2; i < 8; i++) {
            x ^= x >>> 29;
            x *= 0xBF58_476D_1CE4_E5B9L;
            int b = (int) ((x >>> 40) % 200) + 28;
            tag |= (long) b << (8 * i);
        }
        return tag;
    }

    /** One canary page of {@code bytes} for domain {@code domid}. */
    public static byte[] page(long tag, int domid, int bytes) {
        byte[] page = new byte[bytes];
        for (int i = 0; i + 8 <= bytes; i += 8) {
            long word = (tag & TAG_MASK) | ((long) (domid & 0xFF) << 8) | ((i >>> 3) & 0xFF);
            LittleEndian.putU64(page, i, word);
        }
        return page;
    }

    /**
     * The first offset in {@code bytes[from, to)} where the tag's six bytes stand (at any alignment),
     * or -1.
     */
    public static int find(long tag, byte[] bytes, int from, int to) {
        byte t2 = (byte) (tag >>> 16);
        for (int i = from; i + 8 <= to; i++) {
            if (bytes[i + 2] == t2 && (LittleEndian.u64(bytes, i) & TAG_MASK) == (tag & TAG_MASK)) {
                return i;
            }
        }
        return -1;
    }
}
