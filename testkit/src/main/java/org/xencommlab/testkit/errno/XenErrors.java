package org.xencommlab.testkit.errno;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Set;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/** Assertions for "decodes, or is refused with one of these errnos, and nothing else". */
public final class XenErrors {
    private XenErrors() {}

    /** Runs {@code action}; passes if it returns, or throws a XenException whose errno is in {@code allowed}. */
    public static void decodesOrRefuses(Runnable action, XenErrno... allowed) {
        Throwable thrown = catchThrowable(action::run);
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(XenException.class);
            assertThat(Set.of(allowed)).contains(((XenException) thrown).errno());
        }
    }

    /** The errno {@code action} throws (fails if it does not throw a XenException). */
    public static XenErrno errnoOf(Runnable action) {
        Throwable thrown = catchThrowable(action::run);
        assertThat(thrown).isInstanceOf(XenException.class);
        return ((XenException) thrown).errno();
    }
}
