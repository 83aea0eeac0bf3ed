package digits;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The harness's packages form layers, top to bottom, and each may use only the layers below it; so the package
 * graph has no cycle. A new package fails here until it is given its place in {@link #LAYERS}.
 */
class PackageLayersTest {

    /** Top to bottom (below {@code digits.}): each package may use only those after it. */
    static final List<String> LAYERS = List.of(
            "harness",      // the front door the Maven goals call, and the one-line error messages
            "serve",        // digits:serve: the drawing page and its HTTP server
            "predict",      // digits:predict: a trained run's model, pictures in MNIST's form
            "bench",        // digits:bench
            "study",        // variants x seeds, Welch's test
            "run",          // one experiment end to end
            "report.html",  // the HTML pages
            "report",       // report.json, study.json, run folders, checks and deltas
            "train",        // the training loop and its metrics, checkpoints
            "model",        // spec -> network, the custom layers
            "data",         // MNIST, IDX, the two-digit set, the split
            "spec",         // spec and study files: records, loading, validation, hash
            "io");          // atomic writes, SHA-256, first lines: for anyone

    private static final JavaClasses HARNESS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("digits");

    private static final ArchRule NO_CYCLES = slices().matching("digits.(**)").should().beFreeOfCycles();

    @Test
    void thePackageGraphHasNoCycle() {
        NO_CYCLES.check(HARNESS);
    }

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() {
        for (int i = 0; i < LAYERS.size(); i++) {
            String[] above = LAYERS.subList(0, i).stream().map(p -> "digits." + p).toArray(String[]::new);
            if (above.length == 0) continue;
            classes().that().resideInAPackage("digits." + LAYERS.get(i)).should().onlyDependOnClassesThat()
                    .resideOutsideOfPackages(above).because("digits." + LAYERS.get(i) + " sits below "
                            + String.join(", ", above)).check(HARNESS);
        }
    }

    @Test
    void everyPackageHasItsPlace() {
        Set<String> packages = HARNESS.stream().map(JavaClass::getPackageName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(packages).isNotEmpty().allSatisfy(p -> assertThat(LAYERS).as("layer of %s: add it to LAYERS, below "
                + "what uses it and above what it uses", p).contains(p.substring("digits.".length())));
    }

    /** The rule is not vacuous: on two packages that use each other it fails. */
    @Test
    void aCycleFailsTheRule() {
        JavaClasses cyclic = new ClassFileImporter().importPackages("digits.layersfixture");
        assertThat(cyclic).hasSize(2);
        assertThatThrownBy(() -> NO_CYCLES.check(cyclic)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
    }
}
