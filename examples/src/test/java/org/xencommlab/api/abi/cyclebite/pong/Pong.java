package org.xencommlab.api.abi.cyclebite.pong;

import org.xencommlab.api.abi.cyclebite.ping.Ping;

/** Test fixture: the other half of a package cycle inside {@code api.abi} (never production code). */
public final class Pong {
    private Pong() {}

    public static int value() {
        return 2;
    }

    public static int answer() {
        return Ping.value() + 1;
    }
}
