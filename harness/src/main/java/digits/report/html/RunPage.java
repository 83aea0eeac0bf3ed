package digits.report.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import digits.report.RunReport;
import digits.train.EpochMetrics;
import digits.train.TestMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The view model of {@code report.html}: everything already formatted, so the template only places it. Built
 * from whatever a report.json holds; a field an older or newer version did not write shows as a dash.
 */
public record RunPage(String title, String experiment, String runId, String description, Badge status,
                      Badge verdict, String message, String started, String duration, String backend,
                      String gitCommit, List<Check> checks, List<Reference> references, List<Fact> test,
                      List<Chart> charts, String chartsJson, List<EpochDelta> epochDeltas,
                      List<Confusion> confusions, List<GalleryItem> gallery,
                      String galleryMissing, List<Throughput> throughput, List<Fact> environment, List<Fact> data,
                      List<Fact> dataFiles, String specYaml, String indexHref, List<Member> members) {

    /** Whether the run trained an ensemble ({@code training.ensemble}), whose members get a table of their own. */
    public boolean hasMembers() {
        return members != null && !members.isEmpty();
    }

    /** One network of an ensemble: its number and seed, epochs trained, the epoch tested, its test figures alone. */
    public record Member(int member, long seed, int epochs, String testedEpoch, String accuracy, String allHeads) {}

    public boolean hasChecks() {
        return checks != null && !checks.isEmpty();
    }

    public boolean hasReferences() {
        return references != null && !references.isEmpty();
    }

    public boolean hasTest() {
        return test != null && !test.isEmpty();
    }

    public boolean hasEpochDeltas() {
        return epochDeltas != null && !epochDeltas.isEmpty();
    }

    /** One entry per metric column group of the epoch table (the template repeats its three headers). */
    public List<String> epochDeltaColumns() {
        return METRICS;
    }

    public boolean hasConfusions() {
        return confusions != null && !confusions.isEmpty();
    }

    public boolean hasGallery() {
        return gallery != null && !gallery.isEmpty();
    }

    public boolean hasThroughput() {
        return throughput != null && !throughput.isEmpty();
    }

    /** One acceptance check: what is checked, of which head, the run's value, the limit, and the verdict. */
    public record Check(String what, String head, String threshold, String actual, Badge result) {}

    public record Reference(String metric, String head, String seed, String reproduced, String delta, String css) {}

    public record Throughput(int epoch, String trainSeconds, String imagesPerSecond, String devSeconds) {}

    /** One epoch (and head) of the notebook's printed figures against the reproduced ones, in {@link #METRICS} order. */
    public record EpochDelta(int epoch, String head, List<Cell> cells) {}

    /** The notebook's figure, the reproduced one and the difference, formatted. */
    public record Cell(String seed, String reproduced, String delta, String css) {}

    /** The per-epoch figures the notebook prints, in the order of the page's table. */
    static final List<String> METRICS = List.of("trainLoss", "trainAccuracy", "devLoss", "devAccuracy");

    private static final YAMLMapper YAML = (YAMLMapper) new YAMLMapper()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).disable(YAMLGenerator.Feature.SPLIT_LINES).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES);

    /**
     * @param runDir    the run folder: the gallery lists only images whose PNG is there
     * @param indexHref link to the reports index from this page, or null for none
     */
    public static RunPage of(RunReport r, Path runDir, String indexHref) {
        int heads = headCount(r);
        List<EpochMetrics> epochs = r.epochs() == null ? List.of() : r.epochs();
        TestMetrics t = r.test();
        var env = r.environment();
        List<RunReport.ReferenceDelta> perEpoch = r.reference() == null ? List.of()
                : r.reference().stream().filter(d -> d.epoch() != null).toList();
        List<Chart> charts = epochs.isEmpty() && perEpoch.isEmpty() ? List.of() : charts(epochs, t, heads, perEpoch);
        List<GalleryItem> gallery = new ArrayList<>();
        int missing = 0;
        if (t != null && t.misclassified() != null) {
            for (TestMetrics.Misclassified m : t.misclassified()) {
                if (runDir != null && Files.isRegularFile(runDir.resolve(GalleryItem.of(m).src()))) {
                    gallery.add(GalleryItem.of(m));
                } else {
                    missing++;
                }
            }
        }
        String description = r.spec() == null ? null : r.spec().description();
        return new RunPage(Fmt.or(r.experiment()) + " · " + Fmt.or(r.runId()), Fmt.or(r.experiment()),
                Fmt.or(r.runId()), description, Badge.status(r.status()), Badge.verdict(r.passed()), r.message(),
                Fmt.date(r.started()), Fmt.duration(r.durationSeconds()), env == null ? Fmt.NONE : Fmt.or(env.backend()),
                env == null ? Fmt.NONE : Fmt.or(env.gitCommit()), checks(r, heads), references(r, heads),
                testFacts(t), charts, SafeJson.of(charts), epochDeltas(perEpoch, heads), confusions(t), gallery, missing == 0 ? null : String.valueOf(missing), throughput(epochs),
                environment(r), data(r), dataFiles(r), yaml(r.spec()), indexHref, members(r));
    }

    private static List<Member> members(RunReport r) {
        if (r.members() == null) return List.of();
        return r.members().stream().map(m -> new Member(m.member(), m.seed(), m.epochs(),
                m.testedEpoch() == null ? Fmt.NONE : String.valueOf(m.testedEpoch()), Fmt.perHead(m.testAccuracy()),
                Fmt.acc(m.testAllHeadsAccuracy()))).toList();
    }

    static int headCount(RunReport r) {
        if (r.spec() != null && r.spec().model() != null && r.spec().model().output() != null) return r.spec().heads();
        if (r.test() != null && r.test().accuracy() != null) return r.test().accuracy().size();
        return 1;
    }

    static String head(int h, int heads) {
        return heads > 1 ? "head " + (h + 1) : "";
    }

    private static List<Check> checks(RunReport r, int heads) {
        if (r.acceptance() == null) return List.of();
        return r.acceptance().stream().map(c -> RunReport.ThresholdCheck.SEED_DELTA.equals(c.metric())
                ? new Check("|test accuracy − notebook's|", head(c.head(), heads), "≤ " + Fmt.acc(c.threshold()),
                        Fmt.acc(c.actual()), Badge.verdict(c.passed()))
                : RunReport.ThresholdCheck.ALL_HEADS.equals(c.metric())
                ? new Check("test images with every head right", "", "> " + Fmt.acc(c.threshold()),
                        Fmt.acc(c.actual()), Badge.verdict(c.passed()))
                : new Check("test accuracy", head(c.head(), heads), "> " + Fmt.acc(c.threshold()),
                        Fmt.acc(c.actual()), Badge.verdict(c.passed()))).toList();
    }

    private static List<Reference> references(RunReport r, int heads) {
        if (r.reference() == null) return List.of();
        return r.reference().stream().filter(d -> d.epoch() == null).map(d -> new Reference(d.metric(),
                head(d.head(), heads), Fmt.acc(d.seed()),
                Fmt.acc(d.reproduced()), Fmt.signed(d.delta()), !Fmt.present(d.delta()) ? "" : deltaCss(d))).toList();
    }

    /** Good when the reproduction is at least as good as the seed (lower is better for a loss). */
    private static String deltaCss(RunReport.ReferenceDelta d) {
        boolean lowerIsBetter = d.metric() != null && d.metric().toLowerCase(Locale.ROOT).contains("loss");
        return (lowerIsBetter ? d.delta() <= 0 : d.delta() >= 0) ? "good-text" : "bad-text";
    }

    private static List<Fact> testFacts(TestMetrics t) {
        if (t == null) return List.of();
        List<Fact> out = new ArrayList<>();
        out.add(new Fact("accuracy (mean of batch means)", Fmt.perHead(t.accuracy())));
        out.add(new Fact("accuracy (every image)", Fmt.perHead(t.accuracyExact())));
        if (t.allHeadsAccuracy() != null) out.add(new Fact("every head right", Fmt.acc(t.allHeadsAccuracy())));
        if (t.oneViewAccuracy() != null) {
            out.add(new Fact("one view per image (without test-time shifts)", Fmt.perHead(t.oneViewAccuracy())
                    + (t.oneViewAllHeadsAccuracy() == null ? "" : "; every head right " + Fmt.acc(t.oneViewAllHeadsAccuracy()))));
        }
        out.add(new Fact("loss", Fmt.perHead(t.loss())));
        out.add(new Fact("images", String.format(Locale.ROOT, "%,d in full batches, %,d in all", t.images(),
                t.imagesExact())));
        out.add(new Fact("test time", String.format(Locale.ROOT, "%s (%,.0f images/s)", Fmt.duration(t.seconds()),
                t.imagesPerSecond())));
        return out;
    }

    /**
     * Loss and accuracy per epoch, the notebook's printed figures dotted beside the reproduced ones (over the epochs
     * of either: a run still going shows the notebook's whole curve), and the throughput.
     */
    private static List<Chart> charts(List<EpochMetrics> epochs, TestMetrics t, int heads,
                                      List<RunReport.ReferenceDelta> perEpoch) {
        SortedSet<Integer> all = new TreeSet<>();
        epochs.forEach(e -> all.add(e.epoch()));
        perEpoch.forEach(d -> all.add(d.epoch()));
        List<Integer> x = List.copyOf(all);
        List<Chart.Series> loss = new ArrayList<>(), acc = new ArrayList<>();
        int last = epochs.isEmpty() ? -1 : x.indexOf(epochs.get(epochs.size() - 1).epoch());
        for (int h = 0; h < heads; h++) {
            String suffix = heads > 1 ? " (" + head(h, heads) + ")" : "";
            boolean dash = h > 0;
            loss.add(series("train" + suffix, Chart.TRAIN, dash, x, epochs, h, EpochMetrics::trainLoss));
            loss.add(series("dev" + suffix, Chart.DEV, dash, x, epochs, h, EpochMetrics::devLoss));
            acc.add(series("train" + suffix, Chart.TRAIN, dash, x, epochs, h, EpochMetrics::trainAccuracy));
            acc.add(series("dev" + suffix, Chart.DEV, dash, x, epochs, h, EpochMetrics::devAccuracy));
            if (t != null && t.accuracy() != null && h < t.accuracy().size() && last >= 0) {
                // the test figure belongs to the last epoch: one point there
                List<Double> v = new ArrayList<>();
                for (int i = 0; i < x.size(); i++) v.add(i == last ? t.accuracy().get(h) : null);
                acc.add(new Chart.Series("test" + suffix, Chart.TEST, dash, true, v));
            }
        }
        for (int h = 0; h < heads; h++) {
            String suffix = heads > 1 ? " (" + head(h, heads) + ")" : "";
            List<Integer> dash = h == 0 ? Chart.NOTEBOOK : Chart.NOTEBOOK_SECOND;
            for (String m : METRICS) {
                List<Double> v = notebook(perEpoch, m, h, x);
                if (v.stream().allMatch(Objects::isNull)) continue;
                String label = "notebook " + (m.startsWith("train") ? "train" : "dev") + suffix;
                String color = m.startsWith("train") ? Chart.TRAIN : Chart.DEV;
                (m.endsWith("Loss") ? loss : acc).add(new Chart.Series(label, color, dash, false, v));
            }
        }
        List<Chart> charts = new ArrayList<>(List.of(
                Chart.lines("loss", "Loss per epoch", "epoch", "cross-entropy", 4, x, loss),
                Chart.lines("accuracy", "Accuracy per epoch", "epoch", "accuracy", 4, x, acc)));
        if (!epochs.isEmpty()) {
            List<Double> speed = epochs.stream().map(e -> (Double) e.trainImagesPerSecond()).toList();
            charts.add(Chart.lines("throughput", "Training throughput", "epoch", "images/s", 0,
                    epochs.stream().map(EpochMetrics::epoch).toList(),
                    List.of(new Chart.Series("train images/s", Chart.TRAIN, false, false, speed))));
        }
        // the schedule's rate, where it moves (reports before it was recorded have none)
        List<Double> start = epochs.stream().map(EpochMetrics::learningRate).toList();
        List<Double> end = epochs.stream().map(EpochMetrics::learningRateEnd).toList();
        if (start.stream().noneMatch(Objects::isNull) && end.stream().noneMatch(Objects::isNull)
                && java.util.stream.Stream.concat(start.stream(), end.stream()).distinct().count() > 1) {
            charts.add(Chart.lines("rate", "Learning rate", "epoch", "rate", 6,
                    epochs.stream().map(EpochMetrics::epoch).toList(),
                    List.of(new Chart.Series("at the epoch's first step", Chart.TRAIN, false, true, start),
                            new Chart.Series("at its last step", Chart.DEV, false, true, end))));
        }
        return charts;
    }

    /** The reproduced figure of head {@code h} at each epoch of {@code x}; null where that epoch has not run. */
    private static Chart.Series series(String label, String color, boolean dash, List<Integer> x,
                                       List<EpochMetrics> epochs, int h, Function<EpochMetrics, List<Double>> field) {
        List<Double> v = new ArrayList<>();
        for (int epoch : x) {
            EpochMetrics e = epochs.stream().filter(m -> m.epoch() == epoch).findFirst().orElse(null);
            List<Double> perHead = e == null ? null : field.apply(e);
            v.add(perHead == null || h >= perHead.size() ? null : perHead.get(h));
        }
        return new Chart.Series(label, color, dash, false, v);
    }

    /** The notebook's figure of {@code metric}, head {@code h}, at each epoch of {@code x}. */
    private static List<Double> notebook(List<RunReport.ReferenceDelta> perEpoch, String metric, int h,
                                         List<Integer> x) {
        List<Double> v = new ArrayList<>();
        for (int epoch : x) {
            v.add(perEpoch.stream().filter(d -> d.head() == h && metric.equals(d.metric()) && d.epoch() == epoch)
                    .map(RunReport.ReferenceDelta::seed).findFirst().orElse(null));
        }
        return v;
    }

    /** The per-epoch table: one row per epoch and head, the notebook, the reproduction and the delta per metric. */
    private static List<EpochDelta> epochDeltas(List<RunReport.ReferenceDelta> perEpoch, int heads) {
        Map<List<Integer>, Map<String, RunReport.ReferenceDelta>> rows = new TreeMap<>(
                Comparator.<List<Integer>>comparingInt(k -> k.get(0)).thenComparingInt(k -> k.get(1)));
        for (RunReport.ReferenceDelta d : perEpoch) {
            rows.computeIfAbsent(List.of(d.epoch(), d.head()), k -> new HashMap<>()).put(d.metric(), d);
        }
        List<EpochDelta> out = new ArrayList<>();
        rows.forEach((key, byMetric) -> out.add(new EpochDelta(key.get(0), head(key.get(1), heads),
                METRICS.stream().map(m -> {
                    RunReport.ReferenceDelta d = byMetric.get(m);
                    if (d == null) return new Cell(Fmt.NONE, Fmt.NONE, Fmt.NONE, "");
                    return new Cell(Fmt.acc(d.seed()), Fmt.acc(d.reproduced()), Fmt.signed(d.delta()),
                            Fmt.present(d.delta()) ? deltaCss(d) : "");
                }).toList())));
        return out;
    }

    private static List<Confusion> confusions(TestMetrics t) {
        if (t == null || t.confusion() == null) return List.of();
        List<Confusion> out = new ArrayList<>();
        int heads = t.confusion().size();
        for (int h = 0; h < heads; h++) {
            out.add(Confusion.of(heads > 1 ? "Head " + (h + 1) : "Test set", t.confusion().get(h)));
        }
        return out;
    }

    private static List<Throughput> throughput(List<EpochMetrics> epochs) {
        return epochs.stream().map(e -> new Throughput(e.epoch(), Fmt.duration(e.trainSeconds()),
                String.format(Locale.ROOT, "%,.0f", e.trainImagesPerSecond()), Fmt.duration(e.devSeconds()))).toList();
    }

    private static List<Fact> environment(RunReport r) {
        var e = r.environment();
        if (e == null) return List.of();
        List<Fact> out = new ArrayList<>();
        if (r.resumedFrom() != null) out.add(Fact.of("resumed from", r.resumedFrom()));
        if (r.placement() != null) out.add(Fact.of("ran as", placement(r.placement())));
        out.addAll(List.of(Fact.of("digits", e.digitsVersion()), Fact.of("DL4J", e.dl4jVersion()),
                Fact.of("backend", e.backend()), Fact.of("BLAS", e.blas()), Fact.of("native build", e.nativeVariant()),
                Fact.of("OpenMP threads", e.ompThreads()),
                Fact.of("kernel threads (oneDNN)", e.layerThreads()), Fact.of("Java", e.java()), Fact.of("OS", e.os()),
                Fact.of("cores", e.cores()), Fact.of("max heap", String.format(Locale.ROOT, "%.1f GiB",
                        e.maxHeapBytes() / (1024.0 * 1024 * 1024))), Fact.of("git commit", e.gitCommit())));
        return out;
    }

    /** "spark task on executor 1 (10.0.0.7), attempt 0; master spark://h:7077, application app-2026..." */
    static String placement(RunReport.Placement p) {
        return Fmt.or(p.engine()) + " task on executor " + Fmt.or(p.executor()) + " (" + Fmt.or(p.host()) + "), attempt "
                + p.attempt() + "; master " + Fmt.or(p.master()) + ", application " + Fmt.or(p.application());
    }

    private static List<Fact> data(RunReport r) {
        var d = r.data();
        if (d == null) return List.of();
        return List.of(Fact.of("source", d.source()),
                Fact.of("train", String.format(Locale.ROOT, "%,d images, %,d batches", d.trainImages(), d.trainBatches())),
                Fact.of("dev", String.format(Locale.ROOT, "%,d images, %,d batches", d.devImages(), d.devBatches())),
                Fact.of("test", String.format(Locale.ROOT, "%,d images, %,d batches", d.testImages(), d.testBatches())),
                Fact.of("spec file", r.specFile()), Fact.of("spec SHA-256", r.specSha256()));
    }

    private static List<Fact> dataFiles(RunReport r) {
        if (r.data() == null || r.data().sha256() == null) return List.of();
        return r.data().sha256().entrySet().stream().map(e -> Fact.of(e.getKey(), e.getValue())).toList();
    }

    static String yaml(Object spec) {
        if (spec == null) return null;
        try {
            // through a JSON tree: layer types read as `type: conv2d`, not as YAML tags
            return YAML.writeValueAsString(digits.report.Reports.JSON.valueToTree(spec));
        } catch (JsonProcessingException e) {
            return String.valueOf(spec);
        }
    }
}
