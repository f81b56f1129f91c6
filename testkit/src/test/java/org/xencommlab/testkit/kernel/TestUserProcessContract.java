package org.xencommlab.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;

/**
 * The kit's process checks bite: a process that keeps {@code systemCall} and {@code cancelAtExit}
 * passes them, and one that leaves either to its default fails.
 */
final class TestUserProcessContract {
    /** A process of atExit/exit only; {@code systemCall} and {@code cancelAtExit} are kept or left to the defaults. */
    private static final class Process {
        final RunMetrics metrics = new RunMetrics();
        final List<Runnable> cleanups = new ArrayList<>();
        boolean alive = true;
        final UserProcessServices services;

        Process(boolean keepsSystemCall, boolean keepsCancelAtExit) {
            InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
                case "isAlive" -> alive;
                case "atExit" -> cleanups.add((Runnable) args[0]);
                case "cancelAtExit" -> keepsCancelAtExit ? cleanups.removeIf(c -> c == args[0]) : InvocationHandler.invokeDefault(proxy, method, args);
                case "systemCall" -> {
                    if (!keepsSystemCall) {
                        yield InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    metrics.increment(Counter.GUEST_SYSCALLS);
                    yield ((Supplier<?>) args[1]).get();
                }
                default -> throw new UnsupportedOperationException(method.getName());
            };
            services = (UserProcessServices) Proxy.newProxyInstance(UserProcessServices.class.getClassLoader(),
                    new Class<?>[] {UserProcessServices.class}, handler);
        }

        void exit(UserProcessServices process) {
            if (alive) {
                alive = false;
                List.copyOf(cleanups).forEach(Runnable::run);
                cleanups.clear();
            }
        }
    }

    @Test
    void aProcessThatKeepsBothPasses() {
        Process process = new Process(true, true);
        assertThatCode(() -> UserProcessContract.checkSystemCall(process.services, process.metrics)).doesNotThrowAnyException();
        assertThatCode(() -> UserProcessContract.checkExitCleanups(process.services, process::exit)).doesNotThrowAnyException();
    }

    @Test
    void theSystemCallDefaultFailsTheCheck() {
        Process process = new Process(false, true);
        assertThatThrownBy(() -> UserProcessContract.checkSystemCall(process.services, process.metrics))
                .isInstanceOf(AssertionError.class).hasMessageContaining("systemCall counts one guest system call");
    }

    @Test
    void theCancelAtExitDefaultFailsTheCheck() {
        Process process = new Process(true, false);
        assertThatThrownBy(() -> UserProcessContract.checkExitCleanups(process.services, process::exit))
                .isInstanceOf(AssertionError.class).hasMessageContaining("cancelled clean-up");
    }
}
