package org.xencommlab.examples.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.architecture.violations.FieldInjected;
import org.xencommlab.examples.architecture.violations.InjectorUser;
import org.xencommlab.examples.architecture.violations.ServiceLoading;

/**
 * Shows that the architecture rules fail when broken: each is checked against a class written to
 * break it (test sources only), and against a class that keeps it.
 */
final class TestArchitectureRulesBite {
    private static JavaClasses load(Class<?>... types) {
        return new ClassFileImporter().importClasses(types);
    }

    @Test
    void field_injection_is_caught() {
        assertThatThrownBy(() -> TestArchitecture.no_field_injection.check(load(FieldInjected.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("FieldInjected")
                .hasMessageContaining("constructor injection");
    }

    @Test
    void injector_outside_the_composition_root_is_caught() {
        assertThatThrownBy(() -> TestArchitecture.injector_only_in_the_composition_root.check(load(InjectorUser.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("InjectorUser");
    }

    @Test
    void service_loading_outside_the_composition_root_is_caught() {
        assertThatThrownBy(() -> TestArchitecture.plugins_are_discovered_only_in_the_composition_root
                        .check(load(ServiceLoading.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ServiceLoading");
    }

    @Test
    void a_class_keeping_the_rules_passes() {
        assertThatCode(() -> TestArchitecture.no_field_injection.check(load(org.xencommlab.examples.wiring.PluginRegistry.class)))
                .doesNotThrowAnyException();
    }
}
