package org.xencommlab.api.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Set;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * Assertions for "decodes, or is refused with one of these errnos, and nothing else".
 *
 * <p>The test kit has the same assertions ({@code org.xencommlab.testkit.errno.XenErrors}) for the
 * modules above api; api's own tests cannot use them, since the test kit depends on api and a test
 * dependency back on it would make a cycle in the reactor. So this one copy stays, for api alone.
 */
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
