package org.xencommlab.guest.xenstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.trace.Trace;

final class TestXenStore {
    private final XenStore store = new XenStore(Trace.DISABLED);

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("no error");
    }

    @Test
    void dom0WritesAnywhereAndEveryoneReads() {
        store.write(0, XenStore.memoryTargetPath(3), "8192");
        assertThat(store.read("/local/domain/3/memory/target")).isEqualTo("8192");
        assertThat(store.writes()).isEqualTo(1);
        assertThat(errnoOf(() -> store.read("/local/domain/3/memory/static-max"))).isEqualTo(XenErrno.ENOENT);
    }

    @Test
    void aGuestWritesOnlyBelowItsOwnDomainAndARefusedWriteChangesNothing() {
        store.write(2, "/local/domain/2/data/x", "1");
        assertThat(errnoOf(() -> store.write(2, "/local/domain/3/memory/target", "1"))).isEqualTo(XenErrno.EACCES);
        assertThat(errnoOf(() -> store.write(2, "/local/domain/2", "1"))).isEqualTo(XenErrno.EACCES);
        assertThat(store.find("/local/domain/3/memory/target")).isEmpty();
        assertThat(store.writes()).isEqualTo(1);
    }

    @Test
    void badPathsAndValuesAreRefused() {
        for (String path : new String[] {"", "relative", "/trailing/", "//double", "/bad char", "/" + "x".repeat(XenStore.PATH_MAX)}) {
            assertThat(errnoOf(() -> store.write(0, path, "v"))).as(path).isEqualTo(XenErrno.EINVAL);
        }
        assertThat(errnoOf(() -> store.write(0, "/v", "x".repeat(XenStore.VALUE_MAX + 1)))).isEqualTo(XenErrno.E2BIG);
        assertThat(store.writes()).isZero();
    }

    @Test
    void aWatchFiresAtRegistrationIfTheNodeExistsThenOnEveryWriteAtOrBelowItUntilCancelled() {
        List<String> seen = new ArrayList<>();
        store.write(0, "/local/domain/1/memory/target", "100");
        XenStore.Watch watch = store.watch("/local/domain/1/memory", 1, (path, value) -> seen.add(path + "=" + value));
        store.write(0, "/local/domain/1/memory/target", "200");
        store.write(0, "/local/domain/1/memoryx", "no");
        store.write(0, "/local/domain/1/memory", "300");
        watch.cancel();
        store.write(0, "/local/domain/1/memory/target", "400");
        assertThat(seen).containsExactly("/local/domain/1/memory/target=200", "/local/domain/1/memory=300");
        assertThat(store.watchCount()).isZero();

        List<String> initial = new ArrayList<>();
        store.watch("/local/domain/1/memory/target", 1, (path, value) -> initial.add(value));
        assertThat(initial).containsExactly("400");
    }

    @Test
    void aFailingWatcherDoesNotStopTheWriteOrTheOtherWatchers() {
        List<String> seen = new ArrayList<>();
        store.watch("/a", 1, (path, value) -> {
            throw new XenException(XenErrno.ENOMEM, "watcher out of memory");
        });
        store.watch("/a", 2, (path, value) -> seen.add(value));
        store.write(0, "/a", "v");
        assertThat(store.read("/a")).isEqualTo("v");
        assertThat(seen).containsExactly("v");
    }

    @Test
    void watchingABadPathIsEinval() {
        assertThatThrownBy(() -> store.watch("nope", 0, (p, v) -> {})).isInstanceOf(XenException.class);
    }
}
