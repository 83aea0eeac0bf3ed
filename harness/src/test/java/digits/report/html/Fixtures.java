package digits.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import digits.io.AtomicFiles;
import digits.report.Environment;
import digits.report.MisclassifiedImages;
import digits.report.Reports;
import digits.report.RunReport;
import digits.report.RunReport.ReferenceDelta;
import digits.report.RunReport.ThresholdCheck;
import digits.report.Stats;
import digits.report.StudyReport;
import digits.spec.ExperimentSpec;
import digits.train.EpochMetrics;
import digits.train.TestMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Reports folders built by hand: two-digit run, one-digit runs, a study, as the harness would write them. */
final class Fixtures {

    static final String HOSTILE = "<script>window.pwned = true</script> & \"quotes\" </script> \u2028";

    private Fixtures() {}

    static ExperimentSpec spec(String name, int heads, String description) throws IOException {
        return Reports.JSON.readValue("""
                {"name": "%s", "description": %s,
                 "dataset": {"name": "mnist"},
                 "model": {"input": [1, %d, 28], "layers": [{"type": "flatten"}, {"type": "dense", "units": 64}],
                           "output": {"heads": %d, "classes": 10}},
                 "training": {"optimizer": {"type": "sgd", "learningRate": 0.01}, "batchSize": 64, "epochs": 4},
                 "acceptance": {"testAccuracyAbove": 0.9}}
                """.formatted(name, Reports.JSON.writeValueAsString(description), heads == 2 ? 42 : 28, heads),
                ExperimentSpec.class);
    }

    /** A completed run of {@code epochs} epochs with {@code heads} heads, with misclassified PNGs in its folder. */
    static RunReport run(Path runDir, String name, int heads, int epochs, String description, double testAcc)
            throws IOException {
        return run(runDir, name, heads, epochs, description, testAcc, "2026-11-29T17:16:06.8Z", null);
    }

    /** The same, started at {@code started} (ISO instant) on git commit {@code commit} (null: no environment). */
    static RunReport run(Path runDir, String name, int heads, int epochs, String description, double testAcc,
                         String started, String commit) throws IOException {
        List<EpochMetrics> ms = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            List<Double> trainLoss = new ArrayList<>(), devLoss = new ArrayList<>(), trainAcc = new ArrayList<>(),
                    devAcc = new ArrayList<>();
            for (int h = 0; h < heads; h++) {
                trainLoss.add(1.0 / (e + h));
                devLoss.add(1.1 / (e + h));
                trainAcc.add(0.8 + 0.04 * e - 0.01 * h);
                devAcc.add(0.79 + 0.035 * e - 0.01 * h);
            }
            ms.add(new EpochMetrics(e, trainLoss, trainAcc, heads > 1 ? 0.7 : null, devLoss, devAcc, devAcc,
                    heads > 1 ? 0.69 : null, 10.0 + e, 1.5, 4000 + 100 * e));
        }
        List<int[][]> confusion = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            int[][] m = new int[10][10];
            for (int t = 0; t < 10; t++) {
                m[t][t] = 90 + t;
                m[t][(t + 3) % 10] = 5 + h;
                m[t][(t + 7) % 10] = 1;
            }
            confusion.add(m);
            acc.add(testAcc - 0.01 * h);
        }
        List<TestMetrics.Misclassified> wrong = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<Integer> truth = new ArrayList<>(), predicted = new ArrayList<>();
            List<Double> p = new ArrayList<>(), pTrue = new ArrayList<>();
            for (int h = 0; h < heads; h++) {
                truth.add((i + h) % 10);
                predicted.add(h == 0 ? (i + 3) % 10 : (i + h) % 10); // only the first head wrong
                p.add(0.9 - 0.1 * i);
                pTrue.add(0.01 * (i + 1));
            }
            wrong.add(new TestMetrics.Misclassified(100 + i, truth, predicted, p, pTrue));
        }
        TestMetrics test = new TestMetrics(List.of(0.2), acc, acc, heads > 1 ? testAcc - 0.02 : null, 960, 1000,
                confusion, 0.5, 2000, wrong);
        List<ThresholdCheck> checks = new ArrayList<>();
        List<ReferenceDelta> refs = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            checks.add(new ThresholdCheck("testAccuracy", h, 0.9, acc.get(h), acc.get(h) > 0.9));
            refs.add(new ReferenceDelta("testAccuracy", h, 0.95, acc.get(h), acc.get(h) - 0.95));
        }
        // the notebook's per-epoch figures: losses 0.01 above the run's, accuracies 0.005 below
        for (EpochMetrics m : ms) {
            for (int h = 0; h < heads; h++) {
                notebook(refs, "trainLoss", m.epoch(), h, m.trainLoss().get(h), 0.01);
                notebook(refs, "trainAccuracy", m.epoch(), h, m.trainAccuracy().get(h), -0.005);
                notebook(refs, "devLoss", m.epoch(), h, m.devLoss().get(h), 0.01);
                notebook(refs, "devAccuracy", m.epoch(), h, m.devAccuracy().get(h), -0.005);
            }
        }
        boolean passed = checks.stream().allMatch(ThresholdCheck::passed);
        RunReport r = new RunReport(RunReport.FORMAT, name, runDir.getFileName().toString(),
                RunReport.Status.completed, null, passed, started, "2026-11-29T17:20:00Z", 233.2,
                checks, refs, test, ms, spec(name, heads, description), name + ".yaml", "ab".repeat(32),
                environment(commit), new RunReport.DataProvenance("MNIST, cache", Map.of("t10k-images-idx3-ubyte", "cd".repeat(32)),
                54000, 6000, 1000, 843, 93, 15), null);
        Files.createDirectories(runDir.resolve(MisclassifiedImages.DIR));
        for (TestMetrics.Misclassified m : wrong) digit(runDir.resolve(MisclassifiedImages.relativePath(m.index())), heads);
        Reports.write(runDir, r);
        return r;
    }

    private static Environment environment(String commit) {
        return commit == null ? null : new Environment("0.1.0-SNAPSHOT", "1.0.0-M2.1", "Cpu", "OPENBLAS", "-onednn-avx2",
                1, 2, "Eclipse Adoptium 17", "Linux 6.1 amd64", 2, 6L << 30, commit);
    }

    /** A run stopped by Ctrl-C after its first epoch: no test figures, so a gap in the history. */
    static void interrupted(Path runDir, String name, String started, String commit) throws IOException {
        RunReport r = run(runDir, name, 1, 1, "stopped", 0.5, started, commit);
        Reports.write(runDir, new RunReport(r.format(), r.experiment(), r.runId(), RunReport.Status.interrupted,
                "interrupted after 1 of 10 epochs", false, r.started(), r.finished(), r.durationSeconds(), null,
                r.reference(), null, r.epochs(), r.spec(), r.specFile(), r.specSha256(), r.environment(), r.data(),
                null));
    }

    private static void notebook(List<ReferenceDelta> refs, String metric, int epoch, int head, double reproduced,
                                 double offset) {
        refs.add(new ReferenceDelta(metric, head, epoch, reproduced + offset, reproduced, -offset));
    }

    /** A stroke on white, so the image is not blank. */
    private static void digit(Path png, int heads) throws IOException {
        BufferedImage img = new BufferedImage(84, 84 * (heads == 2 ? 3 : 2) / 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, Math.abs(x - 42) < 6 ? 0x202020 : 0xffffff);
        }
        AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
    }

    /** reports/ with a two-digit run, two one-digit runs of which one is the latest, and a study over them. */
    static Path reportsFolder(Path root) throws IOException {
        Path two = Files.createDirectories(root.resolve("multi-digit-cnn/20261129-100000"));
        run(two, "multi-digit-cnn", 2, 5, HOSTILE, 0.975);
        Reports.markLatest(two);
        // cnn's history: three completed runs on three commits (one with local changes) and an interrupted one
        run(Files.createDirectories(root.resolve("cnn/20261127-090000")), "cnn", 1, 2, "CNN on MNIST", 0.985,
                "2026-11-27T09:00:00Z", "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        interrupted(Files.createDirectories(root.resolve("cnn/20261128-080000")), "cnn", "2026-11-28T08:00:00Z",
                "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        run(Files.createDirectories(root.resolve("cnn/20261128-090000")), "cnn", 1, 2, "CNN on MNIST", 0.989,
                "2026-11-28T09:00:00Z", "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-dirty");
        Path cnn = Files.createDirectories(root.resolve("cnn/20261129-110000"));
        run(cnn, "cnn", 1, 10, "CNN on MNIST", 0.991, "2026-11-29T11:00:00Z", "3333333ccccccccccccccccccccccccccccccccc");
        Reports.markLatest(cnn);
        Path mlp = Files.createDirectories(root.resolve("mlp-baseline/20261129-120000"));
        run(mlp, "mlp-baseline", 1, 3, "784-10-10", 0.88);
        Reports.markLatest(mlp);

        Path studyDir = Files.createDirectories(root.resolve("mlp-study/20261129-130000"));
        List<StudyReport.Row> rows = new ArrayList<>();
        String[] variants = {"base", "batch-64", "leakyrelu"};
        for (int v = 0; v < variants.length; v++) {
            List<StudyReport.RunRef> refs = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                Path runDir = Files.createDirectories(root.resolve("mlp-study/runs/" + variants[v] + "-s" + s + "/r1"));
                run(runDir, variants[v], 1, 3, "variant", 0.92 + 0.01 * v);
                refs.add(new StudyReport.RunRef(s, root.relativize(runDir.resolve("report.json")).toString(),
                        "completed", 0.93 + 0.01 * v, 0.92 + 0.01 * v, 40, false));
            }
            Map<String, JsonNode> overrides = v == 0 ? Map.of()
                    : Map.of("training.batchSize", Reports.JSON.getNodeFactory().numberNode(64));
            rows.add(new StudyReport.Row(variants[v], overrides, new Stats(0.93 + 0.01 * v, 0.002, 2),
                    new Stats(0.92 + 0.01 * v, 0.003, 2), 0.01 * v, 0.01 * v, v == 0 ? null : v == 2 ? 0.0123 : 0.31,
                    v == 0 ? null : 0.42, v == 2, false, 40, v == 2, refs));
        }
        StudyReport study = new StudyReport(StudyReport.FORMAT, "mlp-study", "20261129-130000", HOSTILE, "mlp-baseline",
                2, "2026-11-29T13:00:00Z", "2026-11-29T13:10:00Z", new StudyReport.Selection("leakyrelu", 0.95, 0.94,
                StudyReport.RULE), StudyReport.SIGNIFICANCE_RULE, rows, null);
        AtomicFiles.write(studyDir.resolve("study.json"), Reports.JSON.writeValueAsBytes(study));
        Reports.markLatest(studyDir);
        return root;
    }
}
