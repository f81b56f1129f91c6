package org.xencommlab.examples.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.violations.ApiUsingGuice;
import org.xencommlab.api.violations.ApiUsingHypervisor;
import org.xencommlab.arch.cvm.violations.CvmPart;
import org.xencommlab.arch.cvm.violations.CvmUsingHostileKit;
import org.xencommlab.arch.cvm.violations.CvmUsingX86;
import org.xencommlab.arch.ppc.violations.PpcPart;
import org.xencommlab.arch.ppc.violations.PpcUsingCvm;
import org.xencommlab.arch.ppc.violations.PpcUsingHypervisor;
import org.xencommlab.arch.ppc.violations.PpcUsingX86;
import org.xencommlab.arch.x86.violations.X86Part;
import org.xencommlab.arch.x86.violations.X86UsingGuest;
import org.xencommlab.arch.x86.violations.X86UsingPpc;
import org.xencommlab.examples.architecture.violations.FieldInjected;
import org.xencommlab.examples.architecture.violations.InjectorCreator;
import org.xencommlab.examples.architecture.violations.InjectorUser;
import org.xencommlab.examples.architecture.violations.MethodInjected;
import org.xencommlab.examples.architecture.violations.PrintsToStandardError;
import org.xencommlab.examples.architecture.violations.PrintsToTerminal;
import org.xencommlab.examples.architecture.violations.ServiceLoading;
import org.xencommlab.examples.architecture.violations.StaticCounter;
import org.xencommlab.examples.architecture.violations.ThrowsGenericException;
import org.xencommlab.examples.architecture.violations.UsesJavaUtilLogging;
import org.xencommlab.examples.cli.XencommLabCommand;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.GuestModule;
import org.xencommlab.guest.LooseGuestHelper;
import org.xencommlab.guest.violations.GuestPart;
import org.xencommlab.guest.violations.GuestUsingArch;
import org.xencommlab.guest.violations.GuestUsingExamples;
import org.xencommlab.guest.violations.GuestUsingHypervisor;
import org.xencommlab.guest.violations.GuestUsingMachine;
import org.xencommlab.hostile.contract.HostileGuestContract;
import org.xencommlab.hostile.fuzz.Fuzzer;
import org.xencommlab.hostile.violations.HostilePart;
import org.xencommlab.hostile.violations.HostileUsingArch;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.HypervisorModule;
import org.xencommlab.hypervisor.cyclea.CycleA;
import org.xencommlab.hypervisor.cycleb.CycleB;
import org.xencommlab.hypervisor.violations.HypervisorPart;
import org.xencommlab.hypervisor.violations.HypervisorUsingArch;
import org.xencommlab.hypervisor.violations.HypervisorUsingGuest;
import org.xencommlab.machine.violations.MachinePart;
import org.xencommlab.machine.violations.MachineUsingArch;
import org.xencommlab.machine.violations.MachineUsingHostileKit;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * Shows that every architecture rule fails when broken: each is checked against classes written to
 * break it, and against classes that keep it (so a rule that fails on everything is caught too).
 * The fixtures live in test sources only, in the packages of the module whose rule they break
 * ({@code org.xencommlab.guest.violations}, …), and are imported one by one with ArchUnit's
 * {@link ClassFileImporter}; the rules themselves read production classes only.
 */
final class TestArchitectureRulesBite {
    private static JavaClasses load(Class<?>... types) {
        return new ClassFileImporter().importClasses(types);
    }

    private static void assertBites(ArchRule rule, Class<?> violator) {
        assertThatThrownBy(() -> rule.check(load(violator)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(violator.getName());
    }

    private static void assertKeeps(ArchRule rule, Class<?>... keepers) {
        assertThatCode(() -> rule.check(load(keepers))).doesNotThrowAnyException();
    }

    @Test
    void everyRuleHasABiteTest() throws IOException, IllegalAccessException {
        String tests = Files.readString(Path.of("src", "test", "java", "org", "xencommlab", "examples", "architecture",
                "TestArchitectureRulesBite.java"));
        List<String> unbitten = new ArrayList<>();
        int rules = 0;
        for (Field field : TestArchitecture.class.getDeclaredFields()) {
            if (field.isAnnotationPresent(ArchTest.class) && Modifier.isStatic(field.getModifiers())) {
                rules++;
                assertThat(field.get(null)).isInstanceOf(ArchRule.class);
                if (!tests.contains("TestArchitecture." + field.getName() + ",")
                        && !tests.contains("TestArchitecture." + field.getName() + ".")) {
                    unbitten.add(field.getName());
                }
            }
        }
        assertThat(rules).isGreaterThanOrEqualTo(20);
        assertThat(unbitten).as("rules without a bite test").isEmpty();
    }

    @Test
    void apiDependingOnAnotherModuleIsCaught() {
        assertBites(TestArchitecture.api_depends_on_nothing_of_ours, ApiUsingHypervisor.class);
        assertKeeps(TestArchitecture.api_depends_on_nothing_of_ours, PageSize.class);
    }

    @Test
    void apiUsingGuiceOutsideThePluginEntryIsCaught() {
        assertBites(TestArchitecture.api_uses_guice_only_in_the_plugin_entry, ApiUsingGuice.class);
        assertKeeps(TestArchitecture.api_uses_guice_only_in_the_plugin_entry, ArchPlugin.class, PageSize.class);
    }

    @Test
    void anArchDependingOnGuestOrHypervisorIsCaught() {
        assertBites(TestArchitecture.arch_modules_depend_only_on_api, X86UsingGuest.class);
        assertBites(TestArchitecture.arch_modules_depend_only_on_api, PpcUsingHypervisor.class);
        assertBites(TestArchitecture.arch_modules_depend_only_on_api, CvmUsingHostileKit.class);
        assertKeeps(TestArchitecture.arch_modules_depend_only_on_api, X86Part.class, PpcPart.class);
    }

    @Test
    void x86DependingOnPpcIsCaught() {
        assertBites(TestArchitecture.x86_does_not_depend_on_ppc, X86UsingPpc.class);
        assertKeeps(TestArchitecture.x86_does_not_depend_on_ppc, X86Part.class);
    }

    @Test
    void ppcDependingOnX86IsCaught() {
        assertBites(TestArchitecture.ppc_does_not_depend_on_x86, PpcUsingX86.class);
        assertKeeps(TestArchitecture.ppc_does_not_depend_on_x86, PpcPart.class);
    }

    @Test
    void cvmDependingOnAnotherArchIsCaught() {
        assertBites(TestArchitecture.cvm_depends_on_no_other_arch, CvmUsingX86.class);
        assertKeeps(TestArchitecture.cvm_depends_on_no_other_arch, CvmPart.class);
    }

    @Test
    void anotherArchDependingOnCvmIsCaught() {
        assertBites(TestArchitecture.no_other_arch_depends_on_cvm, PpcUsingCvm.class);
        assertKeeps(TestArchitecture.no_other_arch_depends_on_cvm, X86Part.class, PpcPart.class);
    }

    @Test
    void theHypervisorDependingOnGuestOrArchIsCaught() {
        assertBites(TestArchitecture.hypervisor_knows_no_guest_and_no_arch, HypervisorUsingGuest.class);
        assertBites(TestArchitecture.hypervisor_knows_no_guest_and_no_arch, HypervisorUsingArch.class);
        assertKeeps(TestArchitecture.hypervisor_knows_no_guest_and_no_arch, HypervisorPart.class);
    }

    @Test
    void theGuestDependingOnHypervisorOrArchIsCaught() {
        assertBites(TestArchitecture.guest_knows_no_hypervisor_and_no_arch, GuestUsingHypervisor.class);
        assertBites(TestArchitecture.guest_knows_no_hypervisor_and_no_arch, GuestUsingArch.class);
        assertBites(TestArchitecture.guest_knows_no_hypervisor_and_no_arch, GuestUsingMachine.class);
        assertKeeps(TestArchitecture.guest_knows_no_hypervisor_and_no_arch, GuestPart.class);
    }

    @Test
    void machineNamingAPluginOrTheHostileKitIsCaught() {
        assertBites(TestArchitecture.machine_compiles_against_no_plugin, MachineUsingArch.class);
        assertBites(TestArchitecture.machine_compiles_against_no_plugin, MachineUsingHostileKit.class);
        assertKeeps(TestArchitecture.machine_compiles_against_no_plugin, MachinePart.class, PluginRegistry.class,
                RunInjectors.class);
    }

    @Test
    void theHostileKitNamingAnArchIsCaught() {
        assertBites(TestArchitecture.hostile_kit_names_no_plugin, HostileUsingArch.class);
        assertKeeps(TestArchitecture.hostile_kit_names_no_plugin, HostilePart.class, Fuzzer.class,
                HostileGuestContract.class);
    }

    @Test
    void dependingOnExamplesIsCaught() {
        assertBites(TestArchitecture.nothing_depends_on_examples, GuestUsingExamples.class);
        assertKeeps(TestArchitecture.nothing_depends_on_examples, GuestPart.class);
    }

    @Test
    void aPartInAModuleRootPackageIsCaught() {
        assertBites(TestArchitecture.root_packages_hold_only_wiring_and_configuration, LooseGuestHelper.class);
        assertKeeps(TestArchitecture.root_packages_hold_only_wiring_and_configuration, GuestModule.class,
                GuestConfig.class, HypervisorModule.class, HypervisorConfig.class);
    }

    @Test
    void twoModulesUsingOneTypeNameIsCaught() {
        JavaClasses twins = load(org.xencommlab.guest.violations.Twin.class, org.xencommlab.hypervisor.violations.Twin.class);
        assertThatThrownBy(() -> TestArchitecture.type_names_are_unique_across_modules.check(twins))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(org.xencommlab.guest.violations.Twin.class.getName())
                .hasMessageContaining(org.xencommlab.hypervisor.violations.Twin.class.getName());
        assertKeeps(TestArchitecture.type_names_are_unique_across_modules,
                org.xencommlab.hypervisor.violations.Twin.class, org.xencommlab.hypervisor.cycleb.Twin.class, GuestPart.class);
    }

    @Test
    void aCycleBetweenTwoSubPackagesIsCaught() {
        assertThatThrownBy(() -> TestArchitecture.no_package_cycles.check(load(CycleA.class, CycleB.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(CycleA.class.getName())
                .hasMessageContaining(CycleB.class.getName());
        assertKeeps(TestArchitecture.no_package_cycles, CycleA.class, HypervisorPart.class);
    }

    @Test
    void fieldInjectionIsCaught() {
        assertThatThrownBy(() -> TestArchitecture.no_field_injection.check(load(FieldInjected.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("FieldInjected")
                .hasMessageContaining("constructor injection");
        assertKeeps(TestArchitecture.no_field_injection, PluginRegistry.class);
    }

    @Test
    void methodInjectionIsCaught() {
        assertBites(TestArchitecture.no_method_injection, MethodInjected.class);
        assertKeeps(TestArchitecture.no_method_injection, PluginRegistry.class);
    }

    /**
     * javax.inject is banned from the build, so the class that uses it is compiled here, against a
     * stand-in for the annotation that exists only in this test's temporary directory.
     */
    @Test
    void javaxInjectIsCaught(@TempDir Path dir) throws IOException {
        Path annotation = dir.resolve("src/javax/inject/Inject.java");
        Path violator = dir.resolve("src/org/xencommlab/examples/architecture/compiled/JavaxInjected.java");
        Files.createDirectories(annotation.getParent());
        Files.createDirectories(violator.getParent());
        Files.writeString(annotation, """
                package javax.inject;
                @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
                public @interface Inject {}
                """);
        Files.writeString(violator, """
                package org.xencommlab.examples.architecture.compiled;
                public class JavaxInjected {
                    @javax.inject.Inject
                    public JavaxInjected() {}
                }
                """);
        Path classes = dir.resolve("classes");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler.run(null, null, null, "-d", classes.toString(), annotation.toString(), violator.toString()))
                .isZero();
        JavaClasses imported = new ClassFileImporter()
                .importPath(classes.resolve("org/xencommlab/examples/architecture/compiled"));
        assertThat(imported).hasSize(1);

        assertThatThrownBy(() -> TestArchitecture.no_javax_inject.check(imported))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("JavaxInjected")
                .hasMessageContaining("javax.inject.Inject");
        assertKeeps(TestArchitecture.no_javax_inject, FieldInjected.class);
    }

    @Test
    void anInjectorOutsideTheCompositionRootIsCaught() {
        assertBites(TestArchitecture.injector_only_in_the_composition_root, InjectorUser.class);
        assertBites(TestArchitecture.injector_only_in_the_composition_root, InjectorCreator.class);
        assertKeeps(TestArchitecture.injector_only_in_the_composition_root, RunInjectors.class, HypervisorPart.class);
    }

    @Test
    void serviceLoadingOutsideTheCompositionRootIsCaught() {
        assertBites(TestArchitecture.plugins_are_discovered_only_in_the_composition_root, ServiceLoading.class);
        assertKeeps(TestArchitecture.plugins_are_discovered_only_in_the_composition_root, PluginRegistry.class,
                HypervisorPart.class);
    }

    @Test
    void theTerminalOutsideTheCliIsCaught() {
        assertBites(TestArchitecture.no_standard_streams_outside_the_cli, PrintsToTerminal.class);
        assertBites(TestArchitecture.no_standard_streams_outside_the_cli, PrintsToStandardError.class);
        assertKeeps(TestArchitecture.no_standard_streams_outside_the_cli, XencommLabCommand.class, HypervisorPart.class);
    }

    @Test
    void staticMutableStateIsCaught() {
        assertBites(TestArchitecture.no_static_mutable_state, StaticCounter.class);
        assertKeeps(TestArchitecture.no_static_mutable_state, UsesJavaUtilLogging.class);
    }

    @Test
    void aGenericExceptionIsCaught() {
        assertBites(TestArchitecture.no_generic_exceptions, ThrowsGenericException.class);
        assertKeeps(TestArchitecture.no_generic_exceptions, HypervisorPart.class);
    }

    @Test
    void javaUtilLoggingIsCaught() {
        assertBites(TestArchitecture.no_java_util_logging, UsesJavaUtilLogging.class);
        assertKeeps(TestArchitecture.no_java_util_logging, HypervisorPart.class);
    }
}
