package digits.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import digits.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecLoaderTest {

    static final String VALID = """
            name: t
            description: test
            dataset:
              name: mnist
            model:
              input: [1, 28, 28]
              layers:
                - {type: conv2d, filters: 4, kernel: 3}
                - {type: relu}
                - {type: maxpool, size: 2}
                - {type: flatten}
                - {type: dense, units: 8}
                - {type: dropout, p: 0.5}
            training:
              optimizer: {type: sgd, learningRate: 0.1, momentum: 0.9, nesterov: true}
              batchSize: 32
              epochs: 2
            acceptance:
              testAccuracyAbove: 0.5
            """;

    @TempDir
    Path dir;

    private ExperimentSpec parse(String yaml) {
        return SpecLoader.parse(dir.resolve("t.yaml"), yaml);
    }

    @Test
    void shippedSpecsAreValidAndFaithfulToTheSeed() {
        SpecCatalog catalog = SpecCatalog.scan(TestData.experiments());
        assertThat(catalog.names()).contains("mlp-baseline", "mlp-128-leakyrelu", "cnn");
        ExperimentSpec base = catalog.load("mlp-baseline");
        assertThat(base.training().batchSize()).isEqualTo(32);
        assertThat(base.training().optimizer().learningRate()).isEqualTo(0.1);
        assertThat(base.acceptance().testAccuracyAbove()).isEqualTo(0.85);
        assertThat(base.dataset().shuffleSeed()).isEqualTo(12321L);
        ExperimentSpec cnn = catalog.load("cnn");
        assertThat(cnn.training().optimizer().nesterov()).isTrue();
        assertThat(cnn.acceptance().testAccuracyAbove()).isEqualTo(0.985);
        assertThat(cnn.reference().testAccuracy().get(0)).isEqualTo(0.9906850961538461);
        for (String name : new String[] {"mlp-baseline", "mlp-128-leakyrelu", "cnn", "multi-digit-mlp", "multi-digit-cnn"}) {
            assertThat(catalog.load(name).training().generator()).as(name).isEqualTo("torch");
        }
        // the notebook's printed epochs (section 3, baseline: "Train loss: 0.445684 | Train accuracy: 0.870758")
        var first = base.reference().epochs().get(0);
        assertThat(first.trainLoss()).containsExactly(0.445684);
        assertThat(first.devAccuracy()).containsExactly(0.923630);
        assertThat(base.reference().epochs()).hasSize(10);
        var twoDigit = catalog.load("multi-digit-cnn").reference().epochs();
        assertThat(twoDigit).hasSize(10);
        assertThat(twoDigit.get(9).devAccuracy()).containsExactly(0.979083, 0.974546);
        assertThat(twoDigit.get(0).trainLoss()).containsExactly(1.026755, 1.085454);
        assertThat(cnn.reference().epochs().get(9).trainAccuracy()).containsExactly(cnn.reference().trainAccuracy().get(0));
        assertThat(catalog.load("multi-digit-mlp").reference()).isNull(); // the notebook prints nothing for it
        // the specs beyond the notebook load and validate, and keep the seed's data
        ExperimentSpec plus = catalog.load("cnn-plus");
        assertThat(plus.training().keepsBest()).isTrue();
        assertThat(plus.dataset().shuffleSeed()).isEqualTo(12321L);
        ExperimentSpec twoPlus = catalog.load("multi-digit-cnn-plus");
        assertThat(twoPlus.dataset().multiDigit()).isEqualTo(catalog.load("multi-digit-cnn").dataset().multiDigit());
        assertThat(twoPlus.acceptance().testAllHeadsAccuracyAbove()).isEqualTo(0.985); // the targets: two networks each
        assertThat(plus.acceptance().testAccuracyAbove()).isEqualTo(0.996);
        assertThat(plus.training().members()).isEqualTo(2);
        assertThat(twoPlus.training().members()).isEqualTo(2);
        assertThat(java.util.List.of(plus.training().testShift(), twoPlus.training().testShift())).containsExactly(1, 1);
        assertThat(plus.member(2).training().seed()).isEqualTo(12322L);
        assertThat(plus.member(2).training().members()).isEqualTo(1);
        assertThat(twoPlus.training().smoothing()).isEqualTo(0.1);
        assertThat(twoPlus.training().augmentation().newPairs()).isEqualTo("ownDigits"); // no digit beyond its own
        // the notebook's MNIST holds k/256; the two-digit images are the recipe's, over 255
        assertThat(base.dataset().pixelDivisor()).isEqualTo(256);
        assertThat(cnn.dataset().pixelDivisor()).isEqualTo(256);
        assertThat(catalog.load("multi-digit-cnn").dataset().pixelDivisor()).isEqualTo(255);
    }

    @Test
    void validSpecParsesWithDefaults() {
        ExperimentSpec s = parse(VALID);
        assertThat(s.model().output().heads()).isEqualTo(1);
        assertThat(s.model().output().classes()).isEqualTo(10);
        assertThat(s.training().weightInit()).isEqualTo("pytorch");
        assertThat(s.dataset().devFraction()).isEqualTo(0.1);
        assertThat(s.model().layers().get(0)).isEqualTo(new LayerSpec.Conv2d(4, 3, 1, (Object) 0));
    }

    @Test
    void jsonIsAcceptedToo() throws IOException {
        Path f = Files.writeString(dir.resolve("j.json"), """
                {"name": "j", "dataset": {"name": "mnist"},
                 "model": {"input": [1, 28, 28], "layers": [{"type": "flatten"}]},
                 "training": {"optimizer": {"learningRate": 0.1}, "batchSize": 8, "epochs": 1}}""");
        assertThat(SpecLoader.load(f).training().batchSize()).isEqualTo(8);
    }

    /** Each bad input: the replacement applied to VALID, then the expected line, field and message part. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key          | 'batchSize: 32'              | 'batchSize: 32\\n  bachSize: 2' | 17 | training.bachSize: unknown field 'bachSize'; allowed: augmentation, batchSize, ensemble, epochs, generator, keepBest, labelSmoothing, optimizer, patience, schedule, seed, testTimeShift, weightInit
            unknown layer type   | '{type: relu}'               | '{type: gelu}'                  | 9  | model.layers[1].type: unknown layer type 'gelu'; allowed: avgpool, batchnorm, conv2d, dense, dropout, flatten, globalavgpool, leakyrelu, maxpool, relu
            zero learning rate   | 'learningRate: 0.1'          | 'learningRate: 0'               | 15 | training.optimizer.learningRate: 0.0 is out of range; allowed: (0, 10]
            negative lr          | 'learningRate: 0.1'          | 'learningRate: -1'              | 15 | training.optimizer.learningRate: -1.0 is out of range
            batch size zero      | 'batchSize: 32'              | 'batchSize: 0'                  | 16 | training.batchSize: 0 is out of range; allowed: [1, 65536]
            epochs zero          | 'epochs: 2'                  | 'epochs: 0'                     | 17 | training.epochs: 0 is out of range; allowed: [1, 10000]
            dropout one          | 'p: 0.5'                     | 'p: 1.0'                        | 13 | model.layers[5].p: 1.0 is out of range; allowed: [0, 1)
            kernel too large     | 'kernel: 3'                  | 'kernel: 30'                    | 8  | model.layers[0].kernel: 30 does not fit the 28x28 input it receives; allowed: 1..28
            dense before flatten | '- {type: flatten}'          | '- {type: relu}'                | 12 | model.layers[4]: dense needs a flat input but receives 4x13x13
            wrong type           | 'epochs: 2'                  | 'epochs: many'                  | 17 | training.epochs: expected a whole number
            float for int        | 'epochs: 2'                  | 'epochs: 2.5'                   | 17 | training.epochs: expected a whole number
            missing field        | 'batchSize: 32'              | 'seed: 1'                       | 14 | training.batchSize: missing; expected a whole number
            name mismatch        | 'name: t'                    | 'name: other'                   | 1  | name: 'other' differs from the file name; allowed: 't'
            bad input shape      | 'input: [1, 28, 28]'         | 'input: [28, 28]'               | 6  | model.input: [28, 28] is not a shape
            unknown optimizer    | 'type: sgd'                  | 'type: lbfgs'                   | 15 | training.optimizer.type: unknown optimizer 'lbfgs'; allowed: adam, adamw, rmsprop, sgd
            momentum for adam    | 'type: sgd'                  | 'type: adam'                    | 15 | training.optimizer.momentum: not a setting of adam; allowed: only for sgd, rmsprop
            nesterov without m   | 'momentum: 0.9'              | 'momentum: 0'                   | 15 | training.optimizer.nesterov: Nesterov momentum needs momentum > 0
            unknown dataset      | 'name: mnist'                | 'name: cifar'                   | 4  | dataset.name: unknown dataset 'cifar'; allowed: mnist, idx, multi-digit-mnist
            threshold above one  | 'testAccuracyAbove: 0.5'     | 'testAccuracyAbove: 1.5'        | 19 | acceptance.testAccuracyAbove: 1.5 is out of range; allowed: [0, 1)
            pixel divisor zero   | 'name: mnist'                | 'name: mnist\\n  pixelDivisor: 0' | 5 | dataset.pixelDivisor: 0 is out of range; allowed: [1, 65536]
            unknown generator    | 'epochs: 2'                  | 'epochs: 2\\n  generator: mt'   | 18 | training.generator: unknown generator 'mt'; allowed: torch
            tolerance, no seed   | 'testAccuracyAbove: 0.5'     | 'testAccuracyAbove: 0.5\\n  seedTolerance: 0.01' | 20 | acceptance.seedTolerance: needs the notebook's figure to compare with; allowed: only with reference.testAccuracy
            tolerance zero       | 'testAccuracyAbove: 0.5'     | 'testAccuracyAbove: 0.5\\n  seedTolerance: 0\\nreference: {testAccuracy: 0.9}' | 20 | acceptance.seedTolerance: 0.0 is out of range; allowed: (0, 1]
            tolerance a text     | 'testAccuracyAbove: 0.5'     | 'seedTolerance: small'          | 19 | acceptance.seedTolerance: expected a number
            epochs out of order  | 'testAccuracyAbove: 0.5'     | 'testAccuracyAbove: 0.5\\nreference:\\n  epochs:\\n    - {epoch: 2, trainLoss: 0.5}' | 22 | reference.epochs[0].epoch: 2 is out of order; allowed: 1
            epoch heads          | 'testAccuracyAbove: 0.5'     | 'testAccuracyAbove: 0.5\\nreference:\\n  epochs:\\n    - {epoch: 1, devAccuracy: [0.9, 0.8]}' | 22 | reference.epochs[0].devAccuracy: 2 values given; allowed: one per head (1)
            epoch accuracy > 1   | 'testAccuracyAbove: 0.5'     | 'testAccuracyAbove: 0.5\\nreference:\\n  epochs:\\n    - {epoch: 1, trainAccuracy: 1.2}' | 22 | reference.epochs[0].trainAccuracy[0]: 1.2 is out of range; allowed: [0, 1]
            newPairs on MNIST    | 'epochs: 2'                  | 'epochs: 2\\n  augmentation: {newPairs: ownDigits}' | 18 | training.augmentation.newPairs: pairs digits anew, so it needs two-digit data; allowed: only with dataset name: multi-digit-mnist
            newPairs unknown     | 'epochs: 2'                  | 'epochs: 2\\n  augmentation: {newPairs: true}' | 18 | training.augmentation.newPairs: unknown value 'true'; allowed: ownDigits, allDigits
            elastic sigma zero   | 'epochs: 2'                  | 'epochs: 2\\n  augmentation: {elastic: {sigma: 0}}' | 18 | training.augmentation.elastic.sigma: 0.0 is out of range; allowed: (0, 20]
            elastic unknown key  | 'epochs: 2'                  | 'epochs: 2\\n  augmentation: {elastic: {beta: 2}}' | 18 | training.augmentation.elastic.beta: unknown field 'beta'; allowed: alpha, sigma
            smoothing above 1    | 'epochs: 2'                  | 'epochs: 2\\n  labelSmoothing: 1.5' | 18 | training.labelSmoothing: 1.5 is out of range; allowed: [0, 1]
            shift too far        | 'epochs: 2'                  | 'epochs: 2\\n  testTimeShift: 5' | 18 | training.testTimeShift: 5 is out of range; allowed: [0, 4]
            shift a fraction     | 'epochs: 2'                  | 'epochs: 2\\n  testTimeShift: 1.5' | 18 | training.testTimeShift
            no ensemble          | 'epochs: 2'                  | 'epochs: 2\\n  ensemble: 0'   | 18 | training.ensemble: 0 is out of range; allowed: [1, 16]
            ensemble too large   | 'epochs: 2'                  | 'epochs: 2\\n  ensemble: 17'  | 18 | training.ensemble: 17 is out of range; allowed: [1, 16]
            ensemble a fraction  | 'epochs: 2'                  | 'epochs: 2\\n  ensemble: 1.5' | 18 | training.ensemble: expected a whole number
            no seeds left        | 'epochs: 2'                  | 'epochs: 2\\n  seed: 9223372036854775807\\n  ensemble: 2' | 18 | training.seed: 9223372036854775807 leaves no seeds for 2 ensemble members; allowed: at most 9223372036854775806
            epoch unknown key    | 'testAccuracyAbove: 0.5'     | 'testAccuracyAbove: 0.5\\nreference:\\n  epochs:\\n    - {epoch: 1, valLoss: 0.2}' | 22 | reference.epochs[0].valLoss: unknown field 'valLoss'; allowed: devAccuracy, devLoss, epoch, trainAccuracy, trainLoss
            """)
    void badInputGivesOneLineWithFileLineFieldAndWhatIsAllowed(String label, String from, String to, int line,
                                                              String message) {
        String yaml = VALID.replace(from, to.replace("\\n", "\n"));
        assertThat(yaml).isNotEqualTo(VALID);
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(SpecException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n");
                    assertThat(e.getMessage()).startsWith(dir.resolve("t.yaml") + ":" + line + ": ");
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() {
        assertThatThrownBy(() -> parse(VALID.replace("epochs: 2", "epochs: [2"))).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(dir.resolve("t.yaml") + ":").hasMessageContaining("not valid YAML");
    }

    @Test
    void idxPathsCannotLeaveTheDataFolder() {
        String yaml = VALID.replace("  name: mnist", "  name: idx\n  trainImages: ../secret\n  trainLabels: a\n"
                + "  testImages: b\n  testLabels: c");
        assertThatThrownBy(() -> parse(yaml)).hasMessageContaining("dataset.trainImages: '../secret' leaves the data folder");
    }

    @Test
    void catalogListsNamesAndRefusesUnknownAndPathLikeNames() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), VALID.replace("name: t", "name: a"));
        Files.writeString(dir.resolve("b.yml"), VALID.replace("name: t", "name: b"));
        SpecCatalog c = SpecCatalog.scan(dir);
        assertThat(c.names()).containsExactly("a", "b");
        assertThat(c.select("all")).containsExactly("a", "b");
        assertThat(c.select("b, a")).containsExactly("b", "a");
        assertThatThrownBy(() -> c.file("nope")).hasMessageContaining("no spec named 'nope'; allowed: a, b");
        assertThatThrownBy(() -> c.file("../a")).hasMessageContaining("'../a' is not a spec name");
        assertThatThrownBy(() -> c.file("x/a")).hasMessageContaining("is not a spec name");
    }

    @Test
    void aCatalogReadsEachFileOnceAndAFreshScanSeesEdits() throws IOException {
        Path f = Files.writeString(dir.resolve("t.yaml"), VALID);
        SpecCatalog c = SpecCatalog.scan(dir);
        assertThat(c.isStudy("t")).isFalse();
        ExperimentSpec first = c.load("t");
        Files.writeString(f, VALID.replace("batchSize: 32", "batchSize: 8"));
        // the catalog answers from what it read: the edit is not seen, the file was not read again
        assertThat(c.load("t")).isSameAs(first);
        assertThat(c.experiments()).containsExactly("t");
        assertThat(c.tree("t").path("training").path("batchSize").asInt()).isEqualTo(32);
        assertThat(SpecCatalog.scan(dir).load("t").training().batchSize()).isEqualTo(8);
    }

    @Test
    void twoSpecsWithOneNameAreAnError() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), VALID.replace("name: t", "name: a"));
        Files.writeString(dir.resolve("a.json"), "{}");
        assertThatThrownBy(() -> SpecCatalog.scan(dir)).isInstanceOf(SpecException.class)
                .hasMessageContaining("'a' is also defined by");
    }
}
