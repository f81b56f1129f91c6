package org.xencommlab.examples.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.cyclebite.ping.Ping;
import org.xencommlab.api.abi.catalog.HypercallAbis;
import org.xencommlab.api.abi.cyclebite.pong.Pong;
import org.xencommlab.api.abi.memory.MemoryOpAbi;
import org.xencommlab.api.abi.unlistedbite.UnlistedAbi;
import org.xencommlab.guest.formbite.BlockReadingDriver;
import org.xencommlab.hypervisor.formbite.FormAwareHandler;
import org.xencommlab.strategy.embeddedish.BorrowingStrategy;
import org.xencommlab.strategy.pointerish.HypervisorAwareStrategy;

/**
 * The argument-strategy axis is open only if the guest and the hypervisor never know which
 * strategy runs: they name no concrete strategy, no form, no codec of a form and no block layout.
 * Checked on the production classes, with tests showing that the rule, and the cycle rule on the
 * ABI's sub-packages, fail when broken.
 */
@AnalyzeClasses(packages = "org.xencommlab", importOptions = ImportOption.DoNotIncludeTests.class)
final class TestStrategyNeutrality {
    @ArchTest
    static final ArchRule guest_and_hypervisor_know_no_strategy = noClasses()
            .that().resideInAnyPackage(TestArchitecture.GUEST, TestArchitecture.HYPERVISOR)
            .should().dependOnClassesThat().resideInAnyPackage("org.xencommlab.strategy..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xencommlab.api.abi.layout.AbiForm")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xencommlab.api.abi.layout.EmbeddedBlockHeader")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xencommlab.api.abi.layout.BlockKind")
            .orShould().dependOnClassesThat(abiClassNamed("Block"))
            .orShould().dependOnClassesThat(abiClassNamed("Codec"))
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xencommlab.api.abi.codec.EmbeddedCall")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xencommlab.api.abi.codec.EmbeddedBlocks")
            .because("a strategy is a plug-in: the guest and the hypervisor ask the run's ArgumentStrategy and the"
                    + " hypercall's view, so a new strategy needs no change in either");

    @ArchTest
    static final ArchRule a_strategy_module_depends_only_on_api = noClasses().that().resideInAPackage("org.xencommlab.strategy..")
            .should().dependOnClassesThat().resideInAnyPackage(TestArchitecture.HYPERVISOR, TestArchitecture.GUEST,
                    TestArchitecture.ARCH, TestArchitecture.EXAMPLES)
            .because("a strategy is a plug-in like an arch: it builds on the SPI and the per-hypercall ABI only");

    @ArchTest
    static final ArchRule strategies_do_not_depend_on_each_other = slices().matching("org.xencommlab.strategy.(*)..")
            .should().notDependOnEachOther()
            .because("each strategy is its own module; one borrowing another's code would tie them together");

    @ArchTest
    static final ArchRule every_hypercall_abi_is_in_the_registry = classes()
            .that().implement("org.xencommlab.api.abi.codec.HypercallAbi").and().areNotInterfaces()
            .should(beListedInTheCatalog())
            .because("strategies find codecs only through the registry built from HypercallAbis.all(): an ABI left out"
                    + " of it would be a hypercall no strategy speaks (see docs/ARCHITECTURE.md, 'The registry')");

    private static ArchCondition<JavaClass> beListedInTheCatalog() {
        Set<String> listed = HypercallAbis.all().stream().map(abi -> abi.getClass().getName()).collect(Collectors.toSet());
        return new ArchCondition<>("be listed in HypercallAbis.all()") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                if (!listed.contains(item.getName())) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " is not listed in HypercallAbis.all()"));
                }
            }
        };
    }

    /** A class of the ABI whose simple name ends with {@code suffix} (a block layout, a form's codec). */
    private static DescribedPredicate<JavaClass> abiClassNamed(String suffix) {
        return JavaClass.Predicates.resideInAPackage("org.xencommlab.api.abi..")
                .and(JavaClass.Predicates.simpleNameEndingWith(suffix))
                .as("an ABI class named *" + suffix);
    }

    private static JavaClasses load(Class<?>... types) {
        return new ClassFileImporter().importClasses(types);
    }

    @Test
    void aHandlerThatBranchesOnTheFormIsCaught() {
        assertThatThrownBy(() -> guest_and_hypervisor_know_no_strategy.check(load(FormAwareHandler.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("FormAwareHandler")
                .hasMessageContaining("AbiForm")
                .hasMessageContaining("ReservationBlock");
    }

    @Test
    void aDriverThatReadsABlockHeaderIsCaught() {
        assertThatThrownBy(() -> guest_and_hypervisor_know_no_strategy.check(load(BlockReadingDriver.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("BlockReadingDriver")
                .hasMessageContaining("EmbeddedBlockHeader");
    }

    @Test
    void theOneHypercallPathOfPrivcmdAndTheLibraryPass() {
        assertThatCode(() -> guest_and_hypervisor_know_no_strategy.check(load(org.xencommlab.guest.privcmd.PrivcmdFile.class,
                org.xencommlab.guest.lib.XcCalls.class, org.xencommlab.guest.lib.XcHandle.class)))
                .doesNotThrowAnyException();
    }

    @Test
    void theCatalogListsEveryAbiOfTheApi() {
        JavaClasses api = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.xencommlab.api.abi");
        assertThatCode(() -> every_hypercall_abi_is_in_the_registry.check(api)).doesNotThrowAnyException();
        assertThat(HypercallAbis.all()).hasSize(7);
    }

    @Test
    void anAbiTheCatalogDoesNotListIsCaught() {
        assertThatThrownBy(() -> every_hypercall_abi_is_in_the_registry.check(load(UnlistedAbi.class, MemoryOpAbi.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("UnlistedAbi")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(MemoryOpAbi.class.getName() + " is not listed"));
    }

    @Test
    void aStrategyNeutralHandlerPasses() {
        assertThatCode(() -> guest_and_hypervisor_know_no_strategy.check(
                load(org.xencommlab.hypervisor.handlers.MemoryOpHandler.class)))
                .doesNotThrowAnyException();
    }

    @Test
    void aCycleBetweenTwoAbiSubPackagesIsCaught() {
        assertThatThrownBy(() -> TestArchitecture.no_package_cycles.check(load(Ping.class, Pong.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("cyclebite.ping")
                .hasMessageContaining("cyclebite.pong");
    }

    @Test
    void theOldModuleLevelSlicesMissedThatCycle() {
        ArchRule moduleLevel = slices().matching("org.xencommlab.(*).(*)..").should().beFreeOfCycles();
        assertThatCode(() -> moduleLevel.check(load(Ping.class, Pong.class))).doesNotThrowAnyException();
    }

    @Test
    void aStrategyThatReachesIntoTheHypervisorIsCaught() {
        assertThatThrownBy(() -> a_strategy_module_depends_only_on_api.check(load(HypervisorAwareStrategy.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("HypervisorAwareStrategy")
                .hasMessageContaining("MemoryOpHandler");
    }

    @Test
    void aStrategyThatBorrowsFromAnotherIsCaught() {
        assertThatThrownBy(() -> strategies_do_not_depend_on_each_other.check(
                load(BorrowingStrategy.class, HypervisorAwareStrategy.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("BorrowingStrategy");
    }
}
