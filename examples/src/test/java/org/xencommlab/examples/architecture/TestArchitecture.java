package org.xencommlab.examples.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The module rules of DESIGN.md section 2 and the wiring rules of section 5, checked on the
 * production classes of every module. Each rule reads as a sentence of the architecture.
 */
@AnalyzeClasses(packages = "org.xencommlab", importOptions = ImportOption.DoNotIncludeTests.class)
final class TestArchitecture {
    static final String API = "org.xencommlab.api..";
    static final String HYPERVISOR = "org.xencommlab.hypervisor..";
    static final String GUEST = "org.xencommlab.guest..";
    static final String ARCH = "org.xencommlab.arch..";
    static final String X86 = "org.xencommlab.arch.x86..";
    static final String PPC = "org.xencommlab.arch.ppc..";
    static final String CVM = "org.xencommlab.arch.cvm..";
    static final String STRATEGY = "org.xencommlab.strategy..";
    static final String MACHINE = "org.xencommlab.machine..";
    static final String HOSTILE = "org.xencommlab.hostile..";
    static final String EXAMPLES = "org.xencommlab.examples..";
    /** The composition root: the one package that discovers plugins and builds injectors. */
    static final String COMPOSITION_ROOT = "org.xencommlab.machine.wiring..";

    @ArchTest
    static final ArchRule api_depends_on_nothing_of_ours = noClasses().that().resideInAPackage(API)
            .should().dependOnClassesThat().resideInAnyPackage(HYPERVISOR, GUEST, ARCH, MACHINE, HOSTILE, EXAMPLES)
            .because("the SPI is what every module builds on; it must not know any of them");

    @ArchTest
    static final ArchRule api_uses_guice_only_in_the_plugin_entry = noClasses().that().resideInAPackage(API)
            .and().doNotHaveSimpleName("ArchPlugin")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..")
            .because("a plugin hands the lab a Guice module, and nothing else in the SPI is tied to Guice");

    @ArchTest
    static final ArchRule arch_modules_depend_only_on_api = noClasses().that().resideInAPackage(ARCH)
            .should().dependOnClassesThat().resideInAnyPackage(HYPERVISOR, GUEST, MACHINE, HOSTILE, EXAMPLES)
            .because("a backend gets everything it needs from a kernel or a hypervisor through api interfaces,"
                    + " so that a new arch needs no change outside its module");

    @ArchTest
    static final ArchRule x86_does_not_depend_on_ppc = noClasses().that().resideInAPackage(X86)
            .should().dependOnClassesThat().resideInAPackage(PPC)
            .because("arch backends are interchangeable plugins that never know each other");

    @ArchTest
    static final ArchRule ppc_does_not_depend_on_x86 = noClasses().that().resideInAPackage(PPC)
            .should().dependOnClassesThat().resideInAPackage(X86)
            .because("arch backends are interchangeable plugins that never know each other");

    @ArchTest
    static final ArchRule cvm_depends_on_no_other_arch = noClasses().that().resideInAPackage(CVM)
            .should().dependOnClassesThat().resideInAnyPackage(X86, PPC)
            .because("arch backends are interchangeable plugins that never know each other");

    @ArchTest
    static final ArchRule no_other_arch_depends_on_cvm = noClasses().that().resideInAnyPackage(X86, PPC)
            .should().dependOnClassesThat().resideInAPackage(CVM)
            .because("arch backends are interchangeable plugins that never know each other");

    @ArchTest
    static final ArchRule hypervisor_knows_no_guest_and_no_arch = noClasses().that().resideInAPackage(HYPERVISOR)
            .should().dependOnClassesThat().resideInAnyPackage(GUEST, ARCH, MACHINE, HOSTILE, EXAMPLES)
            .because("the hypervisor reaches a guest only through guest memory and the hypercall's arguments,"
                    + " and an arch only through the SPI");

    @ArchTest
    static final ArchRule guest_knows_no_hypervisor_and_no_arch = noClasses().that().resideInAPackage(GUEST)
            .should().dependOnClassesThat().resideInAnyPackage(HYPERVISOR, ARCH, MACHINE, HOSTILE, EXAMPLES)
            .because("a guest kernel reaches the hypervisor only through the hypercall gate, and an arch only"
                    + " through the SPI");

    @ArchTest
    static final ArchRule machine_compiles_against_no_plugin = noClasses().that().resideInAPackage(MACHINE)
            .should().dependOnClassesThat().resideInAnyPackage(ARCH, STRATEGY, HOSTILE, EXAMPLES)
            .because("machine wires the archs and strategies it finds at run time (or is handed), so a new one"
                    + " needs no change there; the lab and the hostile kit build on it, not it on them");

    @ArchTest
    static final ArchRule hostile_kit_names_no_plugin = noClasses().that().resideInAPackage(HOSTILE)
            .should().dependOnClassesThat().resideInAnyPackage(ARCH, STRATEGY, EXAMPLES)
            .because("every arch module runs the kit against itself, so the kit attacks whatever arch it is given"
                    + " and may know none");

    @ArchTest
    static final ArchRule nothing_depends_on_examples = noClasses().that().resideOutsideOfPackage(EXAMPLES)
            .should().dependOnClassesThat().resideInAPackage(EXAMPLES)
            .because("examples is the composition root: it depends on everything and nothing on it");

    /**
     * A module's root package: {@code org.xencommlab.<module>}, or {@code org.xencommlab.arch.<name>}
     * for an arch module (the strategy modules' {@code org.xencommlab.strategy.<name>} likewise).
     */
    static final DescribedPredicate<JavaClass> IN_A_MODULE_ROOT_PACKAGE = DescribedPredicate.describe(
            "reside in a module's root package",
            type -> type.getPackageName().matches("org\\.xencommlab\\.(?:arch\\.|strategy\\.)?[^.]+"));

    /** A Guice module, a configuration type ({@code …Config}), or a type nested in one of them. */
    static final DescribedPredicate<JavaClass> WIRING_OR_CONFIGURATION = DescribedPredicate.describe(
            "a Guice module or a configuration (…Config), or nested in one",
            type -> {
                JavaClass outermost = type;
                while (outermost.getEnclosingClass().isPresent()) {
                    outermost = outermost.getEnclosingClass().get();
                }
                return outermost.isAssignableTo(com.google.inject.Module.class) || outermost.getSimpleName().endsWith("Config");
            });

    @ArchTest
    static final ArchRule root_packages_hold_only_wiring_and_configuration = classes().that(IN_A_MODULE_ROOT_PACKAGE)
            .should(ArchCondition.from(WIRING_OR_CONFIGURATION))
            .because("a module's parts live in its sub-packages, so its root shows at a glance how it is wired"
                    + " and configured");

    /** The module a class belongs to, by package: {@code api}, {@code hypervisor}, {@code arch.x86}, … */
    static String moduleOf(JavaClass type) {
        String[] parts = type.getPackageName().split("\\.");
        if (parts.length < 3) {
            return type.getPackageName();
        }
        boolean plugin = parts[2].equals("arch") || parts[2].equals("strategy");
        return plugin && parts.length > 3 ? parts[2] + "." + parts[3] : parts[2];
    }

    /** Fails every named type whose simple name a type of another module also has. */
    static final ArchCondition<JavaClass> HAVE_A_NAME_NO_OTHER_MODULE_USES =
            new ArchCondition<>("have a simple name that no type of another module has") {
                // Made afresh from the classes of each evaluation, so that one check sees nothing of another.
                private Map<String, Set<String>> modulesByName = Map.of();

                @Override
                public void init(Collection<JavaClass> allTypes) {
                    modulesByName = new HashMap<>();
                    for (JavaClass type : allTypes) {
                        if (!type.isAnonymousClass() && !type.getSimpleName().isEmpty()) {
                            modulesByName.computeIfAbsent(type.getSimpleName(), name -> new TreeSet<>()).add(moduleOf(type));
                        }
                    }
                }

                @Override
                public void check(JavaClass type, ConditionEvents events) {
                    Set<String> modules = modulesByName.getOrDefault(type.getSimpleName(), Set.of());
                    if (modules.size() > 1) {
                        events.add(SimpleConditionEvent.violated(type, type.getName() + " shares its simple name "
                                + type.getSimpleName() + " with a type of another module (modules " + modules + ")"));
                    }
                }
            };

    @ArchTest
    static final ArchRule type_names_are_unique_across_modules = classes().that().areNotAnonymousClasses()
            .and().doNotHaveSimpleName("package-info")
            .should(HAVE_A_NAME_NO_OTHER_MODULE_USES)
            .because("a reader who meets a type name must never have to ask which module's type it is");

    @ArchTest
    static final ArchRule no_package_cycles = slices().matching("org.xencommlab.(*).(**)").should().beFreeOfCycles()
            .because("the parts of a module (each sub-package, down to the ABI's per-hypercall packages; its root"
                    + " package holds only its wiring and configuration) must be understandable one at a time, which"
                    + " a cycle prevents");

    @ArchTest
    static final ArchRule no_field_injection = fields().should().notBeAnnotatedWith("jakarta.inject.Inject")
            .andShould().notBeAnnotatedWith("com.google.inject.Inject")
            .because("constructor injection keeps dependencies visible and fields final (Guice best practice)");

    @ArchTest
    static final ArchRule no_method_injection = methods().should().notBeAnnotatedWith("jakarta.inject.Inject")
            .andShould().notBeAnnotatedWith("com.google.inject.Inject")
            .because("constructor injection only: an object is complete when it is constructed");

    @ArchTest
    static final ArchRule no_javax_inject = noClasses().should().dependOnClassesThat().resideInAPackage("javax.inject..")
            .because("Guice 7 ignores javax.inject annotations; jakarta.inject is the one that works");

    @ArchTest
    static final ArchRule injector_only_in_the_composition_root = noClasses()
            .that().resideOutsideOfPackage(COMPOSITION_ROOT)
            .should().dependOnClassesThat().haveFullyQualifiedName("com.google.inject.Injector")
            .orShould().callMethod(com.google.inject.Guice.class, "createInjector", com.google.inject.Module[].class)
            .because("the injector is built and used in one place; everything else gets its dependencies"
                    + " through its constructor");

    @ArchTest
    static final ArchRule plugins_are_discovered_only_in_the_composition_root = noClasses()
            .that().resideOutsideOfPackage(COMPOSITION_ROOT)
            .should().dependOnClassesThat().haveFullyQualifiedName("java.util.ServiceLoader")
            .because("discovery happens in the composition root, not inside a module (Druid's extension loading)");

    @ArchTest
    static final ArchRule no_standard_streams_outside_the_cli = noClasses()
            .that().resideOutsideOfPackage("org.xencommlab.examples.cli..")
            .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
            .because("only the command line talks to the terminal; everything else returns data");

    @ArchTest
    static final ArchRule no_static_mutable_state = fields().that().areStatic().should().beFinal()
            .because("runs go in parallel and share nothing: all state lives in objects of one run's injector");

    @ArchTest
    static final ArchRule no_generic_exceptions = NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS
            .because("errors carry an errno or a precise type, never a bare RuntimeException");

    @ArchTest
    static final ArchRule no_java_util_logging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING
            .because("runs report through metrics and the trace, not logs");
}
