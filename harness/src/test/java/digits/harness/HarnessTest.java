package digits.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import digits.TestData;
import digits.data.Idx;
import digits.data.Mnist;
import digits.predict.GrayImage;
import digits.predict.Prediction;
import digits.predict.TrainedModel;
import digits.report.Reports;
import digits.report.RunReport;
import digits.run.ExperimentRunner;
import digits.run.RunOptions;
import digits.spec.SpecException;
import digits.train.EpochMetrics;
import digits.train.TestMetrics;
import digits.train.TestTimeShift;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through the front door, on a small subset of real MNIST (or small IDX files made here). */
class HarnessTest {

    static final String SMALL = """
            name: small
            description: two epochs of a small CNN on 2,000 MNIST images
            dataset: {name: mnist, trainLimit: 2000, testLimit: 500}
            model:
              input: [1, 28, 28]
              layers:
                - {type: conv2d, filters: 4, kernel: 3}
                - {type: relu}
                - {type: maxpool, size: 2}
                - {type: flatten}
                - {type: dense, units: 16}
                - {type: dropout, p: 0.5}
            training:
              optimizer: {type: sgd, learningRate: 0.05, momentum: 0.9, nesterov: true}
              batchSize: 32
              epochs: 2
              seed: 7
            acceptance: {testAccuracyAbove: 0.5}
            reference: {testAccuracy: 0.0}
            """;

    @TempDir
    Path dir;

    private Harness harness(List<String> log) throws IOException {
        Path experiments = Files.createDirectories(dir.resolve("experiments"));
        Files.writeString(experiments.resolve("small.yaml"), SMALL);
        return new Harness(new RunOptions(experiments, TestData.root().resolve("data"), dir.resolve("reports"),
                null, false, Duration.ofSeconds(30), log::add));
    }

    /** Writes SMALL as experiment {@code name} with {@code setting} added to its training; returns the YAML. */
    private String variant(String name, String setting) throws IOException {
        String yaml = SMALL.replace("name: small", "name: " + name).replace("  seed: 7\n", "  seed: 7\n  " + setting + "\n");
        Files.writeString(dir.resolve("experiments").resolve(name + ".yaml"), yaml);
        return yaml;
    }

    /** SMALL with the vocabulary beyond the seed: batch norm, AdamW under a cosine schedule, augmentation, keepBest. */
    static final String MODERN = SMALL.replace("name: small", "name: modern")
            .replace("    - {type: conv2d, filters: 4, kernel: 3}\n", "    - {type: conv2d, filters: 4, kernel: 3, padding: same}\n"
                    + "    - {type: batchnorm}\n")
            .replace("  optimizer: {type: sgd, learningRate: 0.05, momentum: 0.9, nesterov: true}\n", """
                      optimizer: {type: adamw, learningRate: 0.01}
                      schedule: {type: cosine}
                      augmentation: {rotation: 10, shift: 2, scale: 0.1}
                      keepBest: true
                    """)
            .replace("epochs: 2", "epochs: 4").replace("reference: {testAccuracy: 0.0}\n", "");

    @Test
    void theModernVocabularyTrainsRecordsTheRateAndTestsTheBestEpoch() throws IOException {
        assertThat(MODERN).contains("batchnorm", "cosine", "keepBest", "epochs: 4").doesNotContain("reference");
        Harness h = harness(new ArrayList<>());
        Files.writeString(dir.resolve("experiments").resolve("modern.yaml"), MODERN);
        List<String> log = new ArrayList<>();
        ExperimentRunner.Result r = new Harness(new RunOptions(dir.resolve("experiments"),
                TestData.root().resolve("data"), dir.resolve("reports"), null, false, Duration.ofSeconds(30), log::add))
                .run("modern");
        assertThat(r.report().status()).isEqualTo(RunReport.Status.completed);
        // CosineAnnealingLR(T_max = 4 epochs) from 0.01: 0.01 * (1 + cos(pi k / 4)) / 2
        double[] cosine = {0.01, 0.008535533905932738, 0.005, 0.0014644660940672624};
        for (int e = 0; e < 4; e++) {
            assertThat(r.report().epochs().get(e).learningRate()).isCloseTo(cosine[e],
                    org.assertj.core.data.Offset.offset(1e-15));
        }
        int best = digits.train.Trainer.bestEpoch(r.report().epochs());
        assertThat(r.report().test().epoch()).isEqualTo(best);
        assertThat(log).contains("testing the network of epoch " + best + ", the best on the dev set (best.zip)");
        assertThat(r.runDir().resolve("best.zip")).isNotEmptyFile();
        assertThat(Files.readString(r.runDir().resolve("report.html"))).contains("Learning rate");

        // digits:samples draws the training images as epoch 1 and epoch 2 transform them: other pictures
        Path one = h.samples("modern", 16, 1);
        byte[] first = Files.readAllBytes(one);
        assertThat(one.getFileName().toString()).isEqualTo("samples-augmented.png");
        assertThat(Files.readAllBytes(h.samples("modern", 16, 2))).isNotEqualTo(first);
        assertThat(Files.readAllBytes(h.samples("modern", 16, 1))).isEqualTo(first);
        assertThatThrownBy(() -> h.samples("small", 16, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("small.yaml: training.augmentation: missing; allowed: -Ddigits.augmented only "
                        + "for a spec that augments its training images");
    }

    @Test
    void testTimeShiftAnswersWithFiveViewsKeepsTheOneViewFigureAndPredictAnswersTheSameWay() throws IOException {
        List<String> log = new ArrayList<>();
        Harness h = harness(log);
        assertThat(variant("shifted", "testTimeShift: 1")).contains("testTimeShift: 1");
        ExperimentRunner.Result r = h.run("shifted");
        TestMetrics t = r.report().test();
        assertThat(t.oneViewAccuracy()).hasSize(1);
        assertThat(t.oneViewAllHeadsAccuracy()).isNull();
        assertThat(log).anyMatch(l -> l.startsWith("reading each test image once instead of in five shifted views: "
                + "accuracy 0."));
        assertThat(Files.readString(r.runDir().resolve("report.html"))).contains("one view per image");

        TrainedModel five = TrainedModel.open(dir.resolve("reports"), "shifted/latest", dir);
        TrainedModel one = oneView(r.runDir());

        // over the run's 500 test images: predict agrees with the run's figures, and its five-view answer is the mean
        // of the one-view answers for the five shifted copies
        TestDigits digits = TestDigits.first(500);
        byte[] labels = digits.labels();
        int right = 0, rightOnce = 0;
        for (int i = 0; i < 500; i++) {
            float[] px = digits.images().get(i).pixels();
            Prediction.Head answer = five.predict(digits.images().get(i)).get(0);
            if (answer.best() == labels[i]) right++;
            if (i < 480 && one.predict(digits.images().get(i)).get(0).best() == labels[i]) rightOnce++;
            if (i < 20) {
                double[] mean = new double[10];
                for (int[] o : TestTimeShift.offsets(1)) {
                    var view = one.predict(new GrayImage(28, 28, TestTimeShift.shifted(px, 1, 28, 28, o[0], o[1])));
                    for (int c = 0; c < 10; c++) mean[c] += view.get(0).probabilities().get(c) / 5;
                }
                for (int c = 0; c < 10; c++) {
                    assertThat((double) answer.probabilities().get(c)).isCloseTo(mean[c], within(1e-5));
                }
            }
        }
        assertThat(right / 500.0).isCloseTo(t.accuracyExact().get(0), within(1e-9));
        assertThat(rightOnce / 480.0).isCloseTo(t.oneViewAccuracy().get(0), within(1e-9)); // 15 full batches of 32
    }

    @Test
    void anEnsembleTrainsEachMemberAsItsSeedWouldAndAnswersWithTheMeanOfTheirSoftmaxes() throws IOException {
        List<String> log = new ArrayList<>();
        Harness h = harness(log);
        // as the -plus specs: two networks, each reading five views of a test image
        assertThat(variant("pair", "ensemble: 2\n  testTimeShift: 1")).contains("ensemble: 2", "testTimeShift: 1");
        variant("seven", "testTimeShift: 1");
        Files.writeString(dir.resolve("experiments").resolve("eight.yaml"), Files.readString(dir.resolve("experiments")
                .resolve("seven.yaml")).replace("name: seven", "name: eight").replace("seed: 7", "seed: 8"));
        ExperimentRunner.Result r = h.run("pair");
        ExperimentRunner.Result seven = h.run("seven");
        ExperimentRunner.Result eight = h.run("eight");

        // member i is the spec with seed + i - 1, to the last digit: its epochs, its test figure alone
        List<RunReport.Member> members = r.report().members();
        assertThat(members).extracting(RunReport.Member::member).containsExactly(1, 2);
        assertThat(members).extracting(RunReport.Member::seed).containsExactly(7L, 8L);
        assertThat(members.get(0).history()).isNull();
        assertThat(withoutTimings(r.report().epochs())).isEqualTo(withoutTimings(seven.report().epochs()));
        assertThat(withoutTimings(members.get(1).history())).isEqualTo(withoutTimings(eight.report().epochs()));
        assertThat(members.get(0).testAccuracy()).isEqualTo(seven.report().test().accuracy());
        assertThat(members.get(1).testAccuracy()).isEqualTo(eight.report().test().accuracy());
        assertThat(members).extracting(RunReport.Member::testedEpoch).containsExactly(2, 2);
        assertThat(r.report().test().epoch()).isNull();
        assertThat(r.runDir().resolve("member-2").resolve("model.zip")).isNotEmptyFile();
        assertThat(log).contains("member 2 of 2: seed 8 -> " + r.runDir().resolve("member-2"));
        assertThat(log).anyMatch(l -> l.startsWith("the ensemble's members alone: seed 7 0.") && l.contains("; seed 8 0."));
        assertThat(Files.readString(r.runDir().resolve("report.html"))).contains("Ensemble members", "<td class=\"num\">8</td>");

        // predict answers with the mean of the two networks' five-view softmaxes, and over the run's 500 test images
        // agrees with its figure; read once, the images give the run's one-view figure from the two networks' mean
        TrainedModel pair = TrainedModel.open(dir.resolve("reports"), "pair/latest", dir);
        assertThat(pair.members()).isEqualTo(2);
        TrainedModel a = TrainedModel.open(dir.resolve("reports"), "seven/latest", dir);
        TrainedModel b = TrainedModel.open(dir.resolve("reports"), "eight/latest", dir);
        TrainedModel aOnce = oneView(seven.runDir()), bOnce = oneView(eight.runDir());
        TestDigits digits = TestDigits.first(500);
        byte[] labels = digits.labels();
        int right = 0, rightOnce = 0;
        for (int i = 0; i < 500; i++) {
            GrayImage image = digits.images().get(i);
            Prediction.Head answer = pair.predict(image).get(0);
            if (answer.best() == labels[i]) right++;
            List<Float> p = aOnce.predict(image).get(0).probabilities(), q = bOnce.predict(image).get(0).probabilities();
            int once = 0;
            for (int c = 1; c < 10; c++) if (p.get(c) + q.get(c) > p.get(once) + q.get(once)) once = c;
            if (i < 480 && once == labels[i]) rightOnce++;
            if (i < 20) {
                p = a.predict(image).get(0).probabilities();
                q = b.predict(image).get(0).probabilities();
                for (int c = 0; c < 10; c++) {
                    assertThat((double) answer.probabilities().get(c)).isCloseTo((p.get(c) + q.get(c)) / 2.0, within(1e-5));
                }
            }
        }
        assertThat(right / 500.0).isCloseTo(r.report().test().accuracyExact().get(0), within(1e-9));
        assertThat(rightOnce / 480.0).isCloseTo(r.report().test().oneViewAccuracy().get(0), within(1e-9));
    }

    /** The first MNIST test digits as predict reads a picture (28x28, grey levels 0-255), with their labels. */
    private record TestDigits(List<GrayImage> images, byte[] labels) {
        static TestDigits first(int n) throws IOException {
            Idx.Images all = Idx.readImages(TestData.mnist().file(Mnist.TEST_IMAGES));
            List<GrayImage> images = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] px = new float[784];
                for (int k = 0; k < 784; k++) px[k] = all.pixels()[i * 784 + k] & 0xff;
                images.add(new GrayImage(28, 28, px));
            }
            return new TestDigits(images, Idx.readLabels(TestData.mnist().file(Mnist.TEST_LABELS), 10));
        }
    }

    /** The network of a run of one network answering one view per image: a copy whose spec leaves the shifts out. */
    private TrainedModel oneView(Path runDir) throws IOException {
        Path plain = Files.createDirectories(dir.resolve("copies").resolve(runDir.getParent().getFileName().toString()));
        try (var files = Files.list(runDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, plain.resolve(f.getFileName()));
        }
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        JsonNode json = mapper.readTree(plain.resolve("report.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("spec").path("training")).remove("testTimeShift");
        mapper.writeValue(plain.resolve("report.json").toFile(), json);
        return TrainedModel.open(dir.resolve("reports"), plain.toString(), dir);
    }

    static List<EpochMetrics> withoutTimings(List<EpochMetrics> epochs) {
        return epochs.stream().map(e -> new EpochMetrics(e.epoch(), e.trainLoss(), e.trainAccuracy(),
                e.trainAllHeadsAccuracy(), e.devLoss(), e.devAccuracy(), e.devAccuracyExact(), e.devAllHeadsAccuracy(),
                0, 0, 0, e.learningRate(), e.learningRateEnd())).toList();
    }

    static final String PAIRS = """
            name: pairs
            description: two-digit images paired anew every epoch, with an elastic field
            dataset:
              name: multi-digit-mnist
              multiDigit: {trainCount: 640, testCount: 64, overlap: 14, seed: 3}
            model:
              input: [1, 42, 28]
              layers:
                - {type: conv2d, filters: 4, kernel: 3}
                - {type: relu}
                - {type: maxpool, size: 2}
                - {type: flatten}
                - {type: dense, units: 16}
              output: {heads: 2, classes: 10}
            training:
              optimizer: {type: adam, learningRate: 0.003}
              augmentation: {rotation: 5, elastic: {alpha: 34, sigma: 4}, newPairs: ownDigits}
              batchSize: 32
              epochs: 2
              seed: 5
            """;

    @Test
    void newPairsAndElasticTrainTheSameWayEveryRunAndShowInTheSamples() throws IOException {
        Path experiments = Files.createDirectories(dir.resolve("experiments"));
        Files.writeString(experiments.resolve("pairs.yaml"), PAIRS);
        Files.writeString(experiments.resolve("fixed.yaml"), PAIRS.replace("name: pairs", "name: fixed")
                .replace(", newPairs: ownDigits", ""));
        Files.writeString(experiments.resolve("drawn.yaml"), PAIRS.replace("name: pairs", "name: drawn")
                .replace("newPairs: ownDigits", "newPairs: allDigits"));
        Harness h = new Harness(new RunOptions(experiments, dir.resolve("data"), dir.resolve("reports"),
                TestData.mnist().dir(), false, Duration.ofSeconds(30), s -> { }));
        RunReport a = h.run("pairs").report(), b = h.run("pairs").report(), fixed = h.run("fixed").report(),
                drawn = h.run("drawn").report();
        assertThat(a.status()).isEqualTo(RunReport.Status.completed);
        assertThat(a.epochs().stream().map(EpochMetrics::trainLoss).toList())
                .isEqualTo(b.epochs().stream().map(EpochMetrics::trainLoss).toList());
        assertThat(a.test().allHeadsAccuracy()).isEqualTo(b.test().allHeadsAccuracy());
        // epoch 1 already sees other pairs than the stored ones
        assertThat(a.epochs().get(0).trainLoss()).isNotEqualTo(fixed.epochs().get(0).trainLoss())
                .isNotEqualTo(drawn.epochs().get(0).trainLoss());
        assertThat(drawn.status()).isEqualTo(RunReport.Status.completed);
        // the dev set is the stored one either way
        assertThat(a.epochs().get(0).devAccuracy()).hasSize(2);

        byte[] one = Files.readAllBytes(h.samples("pairs", 16, 1));
        assertThat(Files.readAllBytes(h.samples("pairs", 16, 2))).isNotEqualTo(one);
        assertThat(Files.readAllBytes(h.samples("fixed", 16, 1))).isNotEqualTo(one);
    }

    @Test
    void sameSpecAndSeedGiveTheSameNumbersAndEachRunItsOwnFolder() throws IOException {
        List<String> log = new ArrayList<>();
        Harness h = harness(log);
        ExperimentRunner.Result a = h.run("small");
        ExperimentRunner.Result b = h.run("small");

        assertThat(a.runDir()).isNotEqualTo(b.runDir());
        assertThat(a.report().epochs()).isEqualTo(b.report().epochs().stream().map(e -> new EpochMetrics(
                e.epoch(), e.trainLoss(), e.trainAccuracy(), e.trainAllHeadsAccuracy(), e.devLoss(), e.devAccuracy(), e.devAccuracyExact(),
                e.devAllHeadsAccuracy(), a.report().epochs().get(e.epoch() - 1).trainSeconds(),
                a.report().epochs().get(e.epoch() - 1).devSeconds(),
                a.report().epochs().get(e.epoch() - 1).trainImagesPerSecond(), e.learningRate(), e.learningRateEnd()))
                .toList());
        assertThat(a.report().test().accuracy()).isEqualTo(b.report().test().accuracy());
        assertThat(a.report().test().loss()).isEqualTo(b.report().test().loss());

        // latest points at the second run
        assertThat(Files.readString(b.runDir().getParent().resolve("latest/report.json")))
                .isEqualTo(Files.readString(b.runDir().resolve("report.json")));
        assertThat(log).anyMatch(l -> l.startsWith("epoch 2: train loss"));
    }

    @Test
    void reportCarriesSpecMetricsThresholdsReferenceEnvironmentAndProvenance() throws IOException {
        ExperimentRunner.Result r = harness(new ArrayList<>()).run("small");
        RunReport report = Reports.read(r.runDir().resolve("report.json"));
        assertThat(report.status()).isEqualTo(RunReport.Status.completed);
        assertThat(report.passed()).isTrue();
        assertThat(report.epochs()).hasSize(2);
        assertThat(report.spec().name()).isEqualTo("small");
        assertThat(report.specSha256()).hasSize(64);
        assertThat(report.test().images()).isEqualTo(480);          // 15 full batches of 32
        assertThat(report.test().imagesExact()).isEqualTo(500);
        assertThat(report.test().confusion().get(0)).hasDimensions(10, 10);
        int total = 0;
        for (int[] row : report.test().confusion().get(0)) for (int c : row) total += c;
        assertThat(total).isEqualTo(500);
        // 0.5 is far below what two epochs on 2,000 images reach: the check must pass
        assertThat(report.acceptance()).singleElement().satisfies(c -> {
            assertThat(c.threshold()).isEqualTo(0.5);
            assertThat(c.actual()).isEqualTo(report.test().accuracy().get(0));
            assertThat(c.passed()).isTrue();
        });
        // a seed figure of 0 makes the delta the reproduced figure itself, with no subtraction to trust
        assertThat(report.reference()).singleElement().satisfies(d -> {
            assertThat(d.seed()).isZero();
            assertThat(d.reproduced()).isEqualTo(report.test().accuracy().get(0));
            assertThat(d.delta()).isEqualTo(report.test().accuracy().get(0));
        });
        assertThat(report.environment().backend()).isEqualTo("Cpu");
        assertThat(report.environment().dl4jVersion()).isEqualTo("1.0.0-M2.1");
        assertThat(report.data().sha256()).containsEntry("train-images-idx3-ubyte",
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        assertThat(report.data().trainImages()).isEqualTo(1800);
        assertThat(report.data().devImages()).isEqualTo(200);
        assertThat(r.runDir().resolve("model.zip")).isNotEmptyFile();
        JsonNode json = Reports.JSON.readTree(r.runDir().resolve("report.json").toFile());
        assertThat(json.path("spec").path("model").path("layers").get(0).path("type").asText()).isEqualTo("conv2d");
    }

    /** 10x10 images whose label is the row that is lit, in IDX files under the data folder. */
    private Path toyData(int n, long seed) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data/toy"));
        java.util.Random rnd = new java.util.Random(seed);
        for (String part : new String[] {"train", "test"}) {
            byte[] px = new byte[n * 100];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                int label = rnd.nextInt(10);
                labels[i] = (byte) label;
                for (int c = 0; c < 10; c++) px[i * 100 + label * 10 + c] = (byte) (150 + rnd.nextInt(100));
                px[i * 100 + rnd.nextInt(100)] = (byte) rnd.nextInt(256); // a little noise
            }
            try (var out = Files.newOutputStream(data.resolve(part + "-images"))) {
                digits.data.Idx.writeImages(out, n, 10, 10, px);
            }
            try (var out = Files.newOutputStream(data.resolve(part + "-labels"))) {
                digits.data.Idx.writeLabels(out, labels);
            }
        }
        return dir.resolve("data");
    }

    private static final String TOY = """
            name: toy
            dataset: {name: idx, trainImages: toy/train-images, trainLabels: toy/train-labels,
                      testImages: toy/test-images, testLabels: toy/test-labels}
            model:
              input: [1, 10, 10]
              layers: [{type: flatten}, {type: dense, units: 16}, {type: relu}]
            training:
              optimizer: {type: sgd, learningRate: 0.5}
              batchSize: 16
              epochs: 3
            acceptance: {testAccuracyAbove: 0.9}
            """;

    @Test
    void anyIdxDataSetCanBeNamedByPath() throws IOException {
        Path data = toyData(1000, 5);
        Path experiments = Files.createDirectories(dir.resolve("experiments"));
        Files.writeString(experiments.resolve("toy.yaml"), TOY);
        Harness h = new Harness(new RunOptions(experiments, data, dir.resolve("reports"), null, false,
                Duration.ofSeconds(30), s -> { }));
        ExperimentRunner.Result r = h.run("toy");
        assertThat(r.passed()).isTrue();
        assertThat(r.report().data().source()).contains("IDX files");
        assertThat(r.report().data().sha256()).containsKey("toy/train-images");
        assertPagesAndMistakes(r);

        Files.writeString(experiments.resolve("toy.yaml"), TOY.replace("input: [1, 10, 10]", "input: [1, 28, 28]"));
        assertThatThrownBy(() -> h.run("toy")).isInstanceOf(SpecException.class)
                .hasMessageContaining("model.input: [1, 28, 28] does not match the dataset's images; allowed: [1, 10, 10]");
    }

    /** The run's page, the index, and the worst mistakes (as many as the exact accuracy says, up to 24) with PNGs. */
    private void assertPagesAndMistakes(ExperimentRunner.Result r) throws IOException {
        var test = r.report().test();
        double allRight = test.allHeadsAccuracy() != null ? test.allHeadsAccuracy() : test.accuracyExact().get(0);
        long errors = Math.round(test.imagesExact() * (1 - allRight));
        var wrong = test.misclassified();
        assertThat((long) wrong.size()).isEqualTo(Math.min(digits.train.Trainer.MISCLASSIFIED, errors));
        assertThat(wrong).allSatisfy(m -> assertThat(m.predicted()).isNotEqualTo(m.truth()));
        String html = Files.readString(r.runDir().resolve("report.html"));
        assertThat(html).contains("<h1>" + r.report().experiment());
        for (var m : wrong) {
            assertThat(r.runDir().resolve("misclassified/" + m.index() + ".png")).isNotEmptyFile();
            assertThat(html).contains("misclassified/" + m.index() + ".png");
        }
        assertThat(Files.readString(r.runDir().getParent().getParent().resolve("index.html")))
                .contains(r.report().experiment() + "/" + r.runDir().getFileName() + "/report.html");
    }

    /** 20x10 images lighting row a (first label) and row 10 + b (second label), two-column label table. */
    private Path twoHeadToyData(int n) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data/two"));
        java.util.Random rnd = new java.util.Random(11);
        for (String part : new String[] {"train", "test"}) {
            byte[] px = new byte[n * 200];
            byte[][] labels = new byte[2][n];
            for (int i = 0; i < n; i++) {
                int a = rnd.nextInt(10), b = rnd.nextInt(10);
                labels[0][i] = (byte) a;
                labels[1][i] = (byte) b;
                for (int c = 0; c < 10; c++) {
                    px[i * 200 + a * 10 + c] = (byte) 200;
                    px[i * 200 + (10 + b) * 10 + c] = (byte) 200;
                }
            }
            try (var out = Files.newOutputStream(data.resolve(part + "-images"))) {
                digits.data.Idx.writeImages(out, n, 20, 10, px);
            }
            try (var out = Files.newOutputStream(data.resolve(part + "-labels"))) {
                digits.data.Idx.writeLabelTable(out, labels);
            }
        }
        return dir.resolve("data");
    }

    @Test
    void twoHeadsLearnBothLabelsAndReportEachHeadAndBothRight() throws IOException {
        Path data = twoHeadToyData(2000);
        Path experiments = Files.createDirectories(dir.resolve("experiments"));
        Files.writeString(experiments.resolve("two.yaml"), """
                name: two
                dataset: {name: idx, trainImages: two/train-images, trainLabels: two/train-labels,
                          testImages: two/test-images, testLabels: two/test-labels}
                model:
                  input: [1, 20, 10]
                  layers: [{type: flatten}, {type: dense, units: 32}, {type: relu}]
                  output: {heads: 2, classes: 10}
                training:
                  optimizer: {type: sgd, learningRate: 0.1, momentum: 0.9}
                  batchSize: 32
                  epochs: 3
                acceptance: {testAccuracyAbove: 0.9, seedTolerance: 0.5}
                reference:
                  testAccuracy: [0.95, 0.96]
                  epochs:
                    - {epoch: 1, trainLoss: [0.7, 0.8], trainAccuracy: [0.8, 0.7], devLoss: [0.3, 0.4], devAccuracy: [0.9, 0.85]}
                    - {epoch: 2, trainLoss: [0.2, 0.3], devAccuracy: [0.95, 0.94]}
                """);
        List<String> log = new ArrayList<>();
        Harness h = new Harness(new RunOptions(experiments, data, dir.resolve("reports"), null, false,
                Duration.ofSeconds(30), log::add));
        ExperimentRunner.Result r = h.run("two");
        assertThat(r.report().test().accuracy()).hasSize(2).allSatisfy(a -> assertThat(a).isGreaterThan(0.9));
        assertThat(r.report().test().allHeadsAccuracy()).isGreaterThan(0.8);
        assertThat(r.report().test().confusion()).hasSize(2);
        assertThat(r.report().epochs().get(2).devLoss()).hasSize(2);
        assertThat(r.report().epochs().get(2).trainAllHeadsAccuracy()).isNotNull();
        assertThat(r.report().acceptance()).hasSize(4).allMatch(RunReport.ThresholdCheck::passed);
        assertThat(r.report().acceptance().subList(2, 4)).allSatisfy(c -> {
            assertThat(c.metric()).isEqualTo(RunReport.ThresholdCheck.SEED_DELTA);
            assertThat(c.threshold()).isEqualTo(0.5);
            double seed = c.head() == 0 ? 0.95 : 0.96;
            assertThat(c.actual()).isCloseTo(Math.abs(r.report().test().accuracy().get(c.head()) - seed),
                    org.assertj.core.data.Offset.offset(1e-12));
        });
        assertThat(log).anyMatch(l -> l.startsWith("test accuracy (head 2) within 0.5000 of the notebook's: off by "));
        // the final figures, then the notebook's epochs: 4 metrics x 2 heads for epoch 1, 2 x 2 for epoch 2
        var refs = r.report().reference();
        assertThat(refs.subList(0, 2)).extracting(RunReport.ReferenceDelta::head).containsExactly(0, 1);
        assertThat(refs.subList(0, 2)).allMatch(d -> d.epoch() == null);
        assertThat(refs).hasSize(2 + 8 + 4);
        assertThat(refs).filteredOn(d -> Integer.valueOf(2).equals(d.epoch()) && d.metric().equals("devAccuracy")
                && d.head() == 1).singleElement().satisfies(d -> {
                    assertThat(d.seed()).isEqualTo(0.94);
                    assertThat(d.reproduced()).isEqualTo(r.report().epochs().get(1).devAccuracy().get(1));
                });
        assertThat(refs).filteredOn(d -> Integer.valueOf(1).equals(d.epoch()) && d.metric().equals("trainLoss")
                && d.head() == 0).singleElement().satisfies(d ->
                    assertThat(d.reproduced()).isEqualTo(r.report().epochs().get(0).trainLoss().get(0)));
        assertThat(Files.readString(r.runDir().resolve("report.html"))).contains("id=\"epoch-deltas\"");
        assertThat(log).anyMatch(l -> l.contains("[head 2]") && l.contains("all heads right"));
        assertPagesAndMistakes(r);

        String twoHeads = Files.readString(experiments.resolve("two.yaml"));
        Files.writeString(experiments.resolve("two.yaml"), twoHeads.substring(0, twoHeads.indexOf("reference:"))
                .replace("heads: 2", "heads: 1") + "reference: {testAccuracy: 0.95}\n");
        assertThatThrownBy(() -> h.run("two")).isInstanceOf(SpecException.class)
                .hasMessageContaining("model.output.heads: 1 heads but the dataset has 2 label(s) per image");
    }

    @Test
    void aThresholdTheRunCannotReachFailsTheVerdictAndTheSelectionButNotTheRun() throws IOException {
        List<String> log = new ArrayList<>();
        Harness h = harness(log);
        // two epochs on 2,000 images stay far below 99.5% on MNIST's test images
        Files.writeString(dir.resolve("experiments/small.yaml"), SMALL.replace("testAccuracyAbove: 0.5",
                "testAccuracyAbove: 0.995"));
        Harness.Summary summary = h.runAll("small", null);
        RunReport report = summary.runs().get(0).report();
        assertThat(report.status()).isEqualTo(RunReport.Status.completed);
        assertThat(report.passed()).isFalse();
        assertThat(report.acceptance()).singleElement().satisfies(c -> {
            assertThat(c.threshold()).isEqualTo(0.995);
            assertThat(c.passed()).isFalse();
        });
        assertThat(summary.failed()).containsExactly("small");
        assertThat(log).anyMatch(l -> l.startsWith("test accuracy ") && l.endsWith("> 0.9950: FAIL"))
                .anyMatch(l -> l.startsWith("Report: ") && l.endsWith("report.json"));
    }

    @Test
    void runAllValidatesEverySpecBeforeTheFirstTrains() throws IOException {
        Harness h = harness(new ArrayList<>());
        Path bad = Files.writeString(dir.resolve("experiments/bad.yaml"), SMALL.replace("name: small", "name: bad")
                .replace("batchSize: 32", "batchSize: 0"));
        assertThatThrownBy(() -> h.runAll("small,bad", null)).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(bad + ":").hasMessageContaining("training.batchSize: 0 is out of range");
        assertThat(dir.resolve("reports/small")).doesNotExist(); // small, named first, did not start
    }

    @Test
    void resumeTakesExactlyOneExperimentAndSaysSoInOneLine() throws IOException {
        Harness h = harness(new ArrayList<>());
        Files.writeString(dir.resolve("experiments/other.yaml"), SMALL.replace("name: small", "name: other"));
        assertThatThrownBy(() -> h.runAll("small,other", "true")).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(Failures.userMessage(e)).isEqualTo("-Ddigits.resume continues one "
                        + "experiment's run; allowed: a single experiment name (a study resumes by itself: its "
                        + "completed runs are reused)"));
        // "false" means no resume: the selection is validated, and nothing else is refused
        Files.writeString(dir.resolve("experiments/other.yaml"), "name: other\nnot yaml: [");
        assertThatThrownBy(() -> h.runAll("small,other", "false")).isInstanceOf(SpecException.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void aRunFartherFromTheNotebookThanTheSeedToleranceFailsButKeepsItsReport() throws IOException {
        Path data = toyData(1000, 5);
        Path experiments = Files.createDirectories(dir.resolve("experiments"));
        // the toy task is learnt almost perfectly: 0.5 is far from anything it reaches
        Files.writeString(experiments.resolve("toy.yaml"), TOY.replace("acceptance: {testAccuracyAbove: 0.9}",
                "acceptance: {testAccuracyAbove: 0.9, seedTolerance: 0.01}\nreference: {testAccuracy: 0.5}"));
        List<String> log = new ArrayList<>();
        ExperimentRunner.Result r = new Harness(new RunOptions(experiments, data, dir.resolve("reports"), null, false,
                Duration.ofSeconds(30), log::add)).run("toy");
        assertThat(r.report().status()).isEqualTo(RunReport.Status.completed);
        assertThat(r.passed()).isFalse();
        assertThat(r.report().acceptance()).extracting(RunReport.ThresholdCheck::metric, RunReport.ThresholdCheck::passed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("testAccuracy", true),
                        org.assertj.core.groups.Tuple.tuple("testAccuracySeedDelta", false));
        assertThat(log).anyMatch(l -> l.startsWith("test accuracy within 0.0100 of the notebook's: off by 0.")
                && l.endsWith(": FAIL"));
        assertThat(Reports.read(r.runDir().resolve("report.json")).passed()).isFalse();
    }

    @Test
    void unknownExperimentListsTheNamesThatExist() throws IOException {
        Harness h = harness(new ArrayList<>());
        assertThatThrownBy(() -> h.run("nope")).isInstanceOf(SpecException.class)
                .hasMessageContaining("no spec named 'nope'; allowed: small");
    }
}
