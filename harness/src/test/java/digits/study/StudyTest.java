package digits.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import digits.TestData;
import digits.report.Reports;
import digits.report.Stats;
import digits.spec.ExperimentSpec;
import digits.spec.LayerSpec;
import digits.spec.SpecCatalog;
import digits.spec.SpecException;
import digits.spec.SpecHash;
import digits.spec.SpecLoader;
import digits.spec.StudySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyTest {

    @TempDir
    Path dir;

    private ObjectNode baseline() {
        return (ObjectNode) SpecLoader.readTree(TestData.experiments().resolve("mlp-baseline.yaml"));
    }

    @Test
    void overridesChangeOneFieldOfACopy() {
        ObjectNode base = baseline();
        ObjectNode edited = Overrides.apply(base, "training.batchSize", IntNode.valueOf(64));
        edited = Overrides.apply(edited, "model.layers[2].type", TextNode.valueOf("leakyrelu"));
        ExperimentSpec spec = SpecLoader.fromTree(edited);
        assertThat(spec.training().batchSize()).isEqualTo(64);
        assertThat(spec.model().layers().get(2)).isInstanceOf(LayerSpec.LeakyRelu.class);
        assertThat(base.get("training").get("batchSize").asInt()).isEqualTo(32);
    }

    @Test
    void aTypoInAnOverridePathNamesThePathAndTheFieldsThatExist() {
        assertThatThrownBy(() -> Overrides.apply(baseline(), "training.bachSize.x", IntNode.valueOf(1)))
                .hasMessage("'training.bachSize.x': no field 'bachSize' in training; fields there: batchSize, epochs, "
                        + "generator, optimizer, seed, weightInit");
        assertThatThrownBy(() -> Overrides.apply(baseline(), "model.layers[7].type", TextNode.valueOf("relu")))
                .hasMessageContaining("model.layers has no element 7 (it has 3)");
        assertThatThrownBy(() -> Overrides.apply(baseline(), "training..seed", IntNode.valueOf(1)))
                .hasMessageContaining("is not a field path");
        // a new leaf is bound like any spec field: an unknown one is refused with the fields that exist
        ObjectNode typo = Overrides.apply(baseline(), "training.bachSize", IntNode.valueOf(64));
        assertThatThrownBy(() -> SpecLoader.fromTree(typo)).isInstanceOf(SpecException.class)
                .hasMessageContaining("training.bachSize: unknown field 'bachSize'; allowed: augmentation, batchSize");
    }

    @Test
    void overridesReachTheVocabularyBeyondTheSeed() {
        // the optimizer, its schedule, a layer, augmentation and the best epoch: dotted paths like any field
        ObjectNode adamw = new ObjectMapper().createObjectNode().put("type", "adamw").put("learningRate", 0.001);
        ObjectNode edited = Overrides.apply(baseline(), "training.optimizer", adamw);
        // a block the spec does not have is set whole; inside one it has, field by field
        ObjectMapper m = new ObjectMapper();
        edited = Overrides.apply(edited, "training.schedule", m.createObjectNode().put("type", "step").put("stepSize", 2));
        edited = Overrides.apply(edited, "training.schedule.type", TextNode.valueOf("cosine"));
        edited = Overrides.apply(edited, "training.schedule.stepSize", com.fasterxml.jackson.databind.node.NullNode.instance);
        edited = Overrides.apply(edited, "training.augmentation", m.createObjectNode().put("shift", 2));
        edited = Overrides.apply(edited, "training.keepBest", com.fasterxml.jackson.databind.node.BooleanNode.TRUE);
        edited = Overrides.apply(edited, "model.layers[2].type", TextNode.valueOf("batchnorm"));
        ExperimentSpec spec = SpecLoader.fromTree(edited);
        assertThat(spec.training().optimizer().type()).isEqualTo("adamw");
        assertThat(spec.training().optimizer().weightDecay()).isEqualTo(0.01); // AdamW's default
        assertThat(spec.training().schedule().type()).isEqualTo("cosine");
        assertThat(spec.training().augmentation().shift()).isEqualTo(2.0);
        assertThat(spec.training().keepsBest()).isTrue();
        assertThat(spec.model().layers().get(2)).isInstanceOf(LayerSpec.BatchNorm.class);
        // and a setting that does not belong to the optimizer is refused as in a spec file
        ObjectNode wrong = Overrides.apply(edited, "training.optimizer.alpha", IntNode.valueOf(1));
        assertThatThrownBy(() -> SpecLoader.fromTree(wrong)).isInstanceOf(SpecException.class)
                .hasMessageContaining("training.optimizer.alpha: not a setting of adamw; allowed: only for rmsprop");
    }

    @Test
    void gridExpandsToEveryCombination() {
        ObjectMapper m = new ObjectMapper();
        Map<String, List<JsonNode>> grid = new java.util.LinkedHashMap<>();
        grid.put("training.batchSize", List.of(m.valueToTree(32), m.valueToTree(64)));
        grid.put("training.optimizer.learningRate", List.of(m.valueToTree(0.1), m.valueToTree(0.01), m.valueToTree(1)));
        List<StudySpec.Variant> variants = StudyLoader.grid(grid);
        assertThat(variants).hasSize(6);
        assertThat(variants.get(0).name()).isEqualTo("batchsize-32_learningrate-0.1");
        assertThat(variants.get(5).overrides()).containsEntry("training.batchSize", m.valueToTree(64))
                .containsEntry("training.optimizer.learningRate", m.valueToTree(1));
    }

    @Test
    void shippedStudiesExpandToTheNotebooksFiveConfigurationsTimesThreeSeeds() {
        SpecCatalog c = SpecCatalog.scan(TestData.experiments());
        assertThat(c.studies()).contains("mlp-study-10", "mlp-study-128");
        StudyLoader.Plan p = StudyLoader.load(c, "mlp-study-128");
        assertThat(p.variants()).extracting(StudyLoader.Variant::name)
                .containsExactly("base", "batch-64", "lr-0.01", "momentum-0.9", "leakyrelu");
        assertThat(p.variants()).allSatisfy(v -> assertThat(v.runs()).hasSize(3));
        ExperimentSpec leaky = p.variants().get(4).runs().get(1);
        assertThat(leaky.name()).isEqualTo("leakyrelu-s12322");
        assertThat(leaky.training().seed()).isEqualTo(12322L);
        assertThat(((LayerSpec.Dense) leaky.model().layers().get(1)).units()).isEqualTo(128);
        assertThat(leaky.model().layers().get(2)).isInstanceOf(LayerSpec.LeakyRelu.class);
        assertThat(p.variants().get(2).runs().get(0).training().optimizer().learningRate()).isEqualTo(0.01);
        // the base spec's tolerance around the notebook's figure is not a gate for other seeds and configurations
        assertThat(c.load("mlp-baseline").acceptance().seedTolerance()).isNotNull();
        assertThat(p.variants()).flatExtracting(StudyLoader.Variant::runs)
                .allSatisfy(run -> assertThat(run.acceptance().seedTolerance()).isNull());
        assertThatThrownBy(() -> c.load("mlp-study-10")).hasMessageContaining("is a study, not an experiment");
    }

    @Test
    void studyErrorsNameTheStudyFileLineAndField() throws IOException {
        Path experiments = Files.createDirectories(dir.resolve("e"));
        Files.copy(TestData.experiments().resolve("mlp-baseline.yaml"), experiments.resolve("mlp-baseline.yaml"));
        Files.writeString(experiments.resolve("s.yaml"), """
                name: s
                study:
                  base: mlp-baseline
                  variants:
                    - {name: a, overrides: {training.batchSize: 0}}
                """);
        SpecCatalog c = SpecCatalog.scan(experiments);
        assertThatThrownBy(() -> StudyLoader.load(c, "s")).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(experiments.resolve("s.yaml") + ":5: study.variants[0].overrides: variant 'a': "
                        + "training.batchSize: 0 is out of range");
        Files.writeString(experiments.resolve("s.yaml"), "name: s\nstudy:\n  base: nope\n");
        assertThatThrownBy(() -> StudyLoader.load(SpecCatalog.scan(experiments), "s"))
                .hasMessageContaining(":3: study.base: 'nope' is not an experiment; allowed: mlp-baseline");
        Files.writeString(experiments.resolve("s.yaml"), "name: s\nstudy:\n  base: mlp-baseline\n  repeat: 3\n");
        assertThatThrownBy(() -> StudyLoader.load(SpecCatalog.scan(experiments), "s"))
                .hasMessageContaining(":4: study.repeat: unknown field 'repeat'; allowed: base, grid, overrides, "
                        + "repeats, variants");
    }

    @Test
    void meanAndSampleStandardDeviation() {
        Stats a = Stats.of(List.of(0.90, 0.92, 0.94));
        assertThat(a.mean()).isCloseTo(0.92, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(a.std()).isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Stats.of(List.of(0.5)).std()).isZero();
    }

    /**
     * p-values of Welch's two-sided test, against SciPy 1.17.1's
     * {@code scipy.stats.ttest_ind(variant, base, equal_var=False).pvalue}, computed outside this code.
     */
    @Test
    void welchsTestAgreesWithScipy() {
        List<Double> base = List.of(0.90, 0.92, 0.94);
        var close = org.assertj.core.data.Offset.offset(1e-9);
        assertThat(Significance.pValue(List.of(0.91, 0.93, 0.95), base)).isCloseTo(0.5733922538253505, close);
        assertThat(Significance.pValue(List.of(0.97, 0.975, 0.98), base)).isCloseTo(0.034857303424782306, close);
        // two seeds against three: non-integer degrees of freedom (1.44)
        assertThat(Significance.pValue(List.of(0.90, 0.95), base)).isCloseTo(0.8781379232575681, close);
        // one seed has no spread to test against; two constant samples are decided by their means
        assertThat(Significance.pValue(List.of(0.5), base)).isNull();
        assertThat(Significance.pValue(List.of(0.5, 0.5), List.of(0.5, 0.5))).isEqualTo(1.0);
        assertThat(Significance.pValue(List.of(0.5, 0.5), List.of(0.75, 0.75))).isEqualTo(0.0);
    }

    @Test
    void aStudyReusesOnlyAResultOfTheSameSpec() throws IOException {
        ExperimentSpec spec = SpecCatalog.scan(TestData.experiments()).load("mlp-baseline");
        String hash = SpecHash.of(spec);
        Path runsDir = dir.resolve("runs");
        Path runs = Files.createDirectories(runsDir.resolve("mlp-baseline"));
        assertThat(StudyRun.result(runsDir, spec)).isEmpty();
        write(runs.resolve("20260101-000000"), "completed", hash);
        write(runs.resolve("20260101-000001"), "interrupted", hash);
        write(runs.resolve("20260101-000002"), "completed", "other");
        assertThat(StudyRun.result(runsDir, spec)).contains(runs.resolve("20260101-000000/report.json"));
        // a diverged run is a result too (it would diverge again), and the newest result wins
        write(runs.resolve("20260101-000003"), "diverged", hash);
        write(runs.resolve("20260101-000004"), "failed", hash);
        assertThat(StudyRun.result(runsDir, spec)).contains(runs.resolve("20260101-000003/report.json"));
        // never through `latest`, a link that moves with the next run
        Files.createSymbolicLink(runs.resolve("latest"), Path.of("20260101-000000"));
        assertThat(StudyRun.result(runsDir, spec)).contains(runs.resolve("20260101-000003/report.json"));
        // a change to the spec changes its hash
        ExperimentSpec other = SpecLoader.fromTree(Overrides.apply(baseline(), "training.epochs", IntNode.valueOf(9)));
        assertThat(SpecHash.of(other)).isNotEqualTo(hash);
        assertThat(SpecHash.of(SpecCatalog.scan(TestData.experiments()).load("mlp-baseline"))).isEqualTo(hash);
    }

    private static void write(Path runDir, String status, String hash) throws IOException {
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve(Reports.REPORT_JSON),
                "{\"format\":1,\"status\":\"" + status + "\",\"specSha256\":\"" + hash + "\"}");
    }
}
