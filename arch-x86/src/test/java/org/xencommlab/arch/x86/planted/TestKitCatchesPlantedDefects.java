package org.xencommlab.arch.x86.planted;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.xencommlab.arch.x86.testing.X86Rig;
import org.xencommlab.arch.x86.plugin.X86ArchPlugin;
import org.xencommlab.testkit.arch.ArchContract;
import org.xencommlab.testkit.arch.ArchRig;

/**
 * The kit catches a planted defect: its {@link ArchContract} is run (through the JUnit Platform, as
 * a module's build runs it) against the real x86 plug-in and against each planted one, all wired
 * by their plug-in and run on the same rig ({@link X86Rig}). The real backend passes every
 * check; each planted one fails exactly the check that names its defect, and nothing else.
 */
final class TestKitCatchesPlantedDefects {
    private static final String FRAME_CHECK = "aReferenceNeverResolvesToAFrameTheDomainDoesNotHold";
    private static final String LEAK_CHECK = "aToolsBuffersGiveBackEverythingTheyHeldWhenFreedAndAtExit";
    /** The configuration parameter {@link #run} sets; without it the contracts below are skipped. */
    private static final String RUN_HERE = "xencomm-lab.planted-contracts";

    @Test
    void theRealX86PassesEveryCheckOfTheContractOnThisRig() {
        for (Class<? extends ArchContract> real : List.of(RealX86.class, RealX86Device.class)) {
            TestExecutionSummary summary = run(real);

            assertThat(summary.getFailures()).as("failures of %s", real.getSimpleName()).isEmpty();
            assertThat(summary.getTestsSucceededCount()).as("checks passed by %s", real.getSimpleName()).isEqualTo(checks());
        }
    }

    @Test
    void theKitCatchesABackendThatSkipsTheRamCheckOnTheFrameAWalkEndsOn() {
        TestExecutionSummary summary = run(FrameBoundSkipping.class);

        assertThat(summary.getFailures()).singleElement().satisfies(failure -> {
            assertThat(failure.getTestIdentifier().getDisplayName()).isEqualTo(FRAME_CHECK + "()");
            assertThat(failure.getException()).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("a tool's mapping of frame 0x1000)")
                    .hasMessageContaining("resolved to 0x1000000, in a frame the domain does not hold as RAM");
        });
        assertThat(summary.getTestsSucceededCount()).as("every other check passes").isEqualTo(checks() - 1);
    }

    @Test
    void theKitCatchesABackendThatForgetsToGiveADeviceMappingsPagesBack() {
        TestExecutionSummary summary = run(MappingCloseForgetting.class);

        assertThat(summary.getFailures()).singleElement().satisfies(failure -> {
            assertThat(failure.getTestIdentifier().getDisplayName()).isEqualTo(LEAK_CHECK + "()");
            assertThat(failure.getException()).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("what a tool's buffers still hold once it freed them all")
                    .hasMessageContaining("\"deviceBytesReserved\"=16384L")
                    .hasMessageContaining("\"deviceBytesUsed\"=16384L")
                    .hasMessageContaining("\"kernelBlocks\"=4L");
        });
        assertThat(summary.getTestsSucceededCount()).as("every other check passes").isEqualTo(checks() - 1);
    }

    @Test
    void thePlantedLeakIsInTheDeviceBuffersOnly() {
        TestExecutionSummary summary = run(MappingCloseForgettingMlocked.class);

        assertThat(summary.getFailures()).as("mlocked buffers map no kernel frames: nothing to forget").isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(checks());
    }

    /** The contract's checks: its public {@code @Test} methods. */
    private static long checks() {
        return Arrays.stream(ArchContract.class.getMethods()).filter(m -> m.isAnnotationPresent(Test.class)).count();
    }

    private static TestExecutionSummary run(Class<? extends ArchContract> contract) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(contract))
                .filters(EngineFilter.includeEngines("junit-jupiter"))
                .configurationParameter(RUN_HERE, "true")
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        // A launcher of its own, with no listener from the class path: the build's own test run
        // (surefire's listener) must not see these runs, whose failures are what is expected here.
        LauncherConfig config = LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .enableLauncherSessionListenerAutoRegistration(false)
                .enableLauncherDiscoveryListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false)
                .build();
        LauncherFactory.create(config).execute(request, listener);
        return listener.getSummary();
    }

    // The contracts run above. The build's own test run never picks nested classes up, and when one
    // is selected anyway (-Dtest=TestPlanted*) it is skipped: they run only through run(), where a
    // failure is the expected outcome.

    /** Enables a contract only in a launcher {@link #run} made. */
    static final class OnlyThroughRun implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(RUN_HERE).isPresent()
                    ? ConditionEvaluationResult.enabled("run by TestKitCatchesPlantedDefects")
                    : ConditionEvaluationResult.disabled("a planted-defect contract runs only through TestKitCatchesPlantedDefects");
        }
    }

    @ExtendWith(OnlyThroughRun.class)
    static final class RealX86 extends ArchContract {
        @Override
        protected ArchRig rig() {
            return X86Rig.of(new X86ArchPlugin(), Map.of());
        }
    }

    @ExtendWith(OnlyThroughRun.class)
    static final class RealX86Device extends ArchContract {
        @Override
        protected ArchRig rig() {
            return X86Rig.of(new X86ArchPlugin(), Map.of(X86ArchPlugin.BUFFERS, "device"));
        }
    }

    @ExtendWith(OnlyThroughRun.class)
    static final class FrameBoundSkipping extends ArchContract {
        @Override
        protected ArchRig rig() {
            return X86Rig.of(PlantedX86Plugins.frameBoundSkipping(), Map.of());
        }
    }

    @ExtendWith(OnlyThroughRun.class)
    static final class MappingCloseForgetting extends ArchContract {
        @Override
        protected ArchRig rig() {
            return X86Rig.of(PlantedX86Plugins.mappingCloseForgetting(), Map.of());
        }
    }

    @ExtendWith(OnlyThroughRun.class)
    static final class MappingCloseForgettingMlocked extends ArchContract {
        @Override
        protected ArchRig rig() {
            return X86Rig.of(PlantedX86Plugins.mappingCloseForgetting(), Map.of(X86ArchPlugin.BUFFERS, "mlock"));
        }
    }
}
