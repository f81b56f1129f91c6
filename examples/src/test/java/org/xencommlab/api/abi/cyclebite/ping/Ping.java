package org.xencommlab.api.abi.cyclebite.ping;

import org.xencommlab.api.abi.cyclebite.pong.Pong;

/** Test fixture: one half of a package cycle inside {@code api.abi} (never production code). */
public final class Ping {
    private Ping() {}

    public static int answer() {
        return Pong.value() + 1;
    }

    public static int value() {
        return 1;
    }
}
