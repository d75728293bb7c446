package dev.interpose.proxy.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the code base, checked on the compiled main classes of every module: the packages of
 * {@code proxy} form no cycle, and only {@code proxy} knows Netty.
 */
class PackageRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.interpose");
    }

    @Test
    void theProxysPackagesFormNoCycle() {
        slices().matching("dev.interpose.proxy.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void configHooksAndCommandsDoNotKnowNetty() {
        noClasses().that().resideInAnyPackage("dev.interpose.config..", "dev.interpose.hooks..",
                "dev.interpose.commands..").should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(classes);
    }
}
