package digits.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a parsed spec before anything is trained: required fields, ranges, and that every layer fits
 * the shape it receives (a kernel larger than its input, a dense layer on an unflattened image...).
 */
final class SpecValidator {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final Set<String> INITS = Set.of("pytorch", "xavier", "he");
    static final Set<String> GENERATORS = Set.of(TrainingSpec.GENERATOR_TORCH, TrainingSpec.GENERATOR_ND4J);

    private final Path file;
    private final SpecLoader.Lines lines;

    private SpecValidator(Path file, SpecLoader.Lines lines) {
        this.file = file;
        this.lines = lines;
    }

    static void validate(ExperimentSpec spec, Path file, SpecLoader.Lines lines) {
        new SpecValidator(file, lines).check(spec);
    }

    private SpecException fail(String field, String problem) {
        return new SpecException(file, lines.lineOf(field), field, problem);
    }

    private <T> T required(T value, String field, String what) {
        if (value == null) throw fail(field, "missing; expected " + what);
        return value;
    }

    private void range(Number value, String field, double min, boolean minInclusive, double max, boolean maxInclusive) {
        double v = value.doubleValue();
        boolean ok = (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
        if (!ok || Double.isNaN(v)) {
            throw fail(field, value + " is out of range; allowed: " + (minInclusive ? "[" : "(") + trim(min) + ", "
                    + trim(max) + (maxInclusive ? "]" : ")"));
        }
    }

    private static String trim(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private void check(ExperimentSpec spec) {
        String name = required(spec.name(), "name", "a name of lower-case letters, digits, '-', '.' or '_'");
        if (!NAME.matcher(name).matches()) {
            throw fail("name", "'" + name + "' is not allowed; allowed: 1-64 lower-case letters, digits, '-', '.', '_'"
                    + " (starting with a letter or digit)");
        }
        String stem = file == null ? name : file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        if (!stem.equals(name)) {
            throw fail("name", "'" + name + "' differs from the file name; allowed: '" + stem + "'");
        }
        checkDataset(required(spec.dataset(), "dataset", "a map with at least 'name: mnist'"));
        checkModel(required(spec.model(), "model", "a map with input, layers and output"));
        checkTraining(required(spec.training(), "training", "a map with optimizer, batchSize and epochs"));
        if (spec.training().pairsAnew() && !DatasetSpec.MULTI_DIGIT.equals(spec.dataset().name())) {
            throw fail("training.augmentation.newPairs", "pairs digits anew, so it needs two-digit data; allowed: "
                    + "only with dataset name: multi-digit-mnist");
        }
        if (spec.acceptance() != null && spec.acceptance().testAccuracyAbove() != null) {
            range(spec.acceptance().testAccuracyAbove(), "acceptance.testAccuracyAbove", 0, true, 1, false);
        }
        if (spec.acceptance() != null && spec.acceptance().testAllHeadsAccuracyAbove() != null) {
            range(spec.acceptance().testAllHeadsAccuracyAbove(), "acceptance.testAllHeadsAccuracyAbove", 0, true, 1,
                    false);
            if (spec.heads() < 2) {
                throw fail("acceptance.testAllHeadsAccuracyAbove", "needs several heads; allowed: only with "
                        + "model.output.heads of 2 or more (use testAccuracyAbove)");
            }
        }
        if (spec.reference() != null) {
            checkPerHead(spec.reference().testAccuracy(), "reference.testAccuracy", spec.heads(), 1);
            checkPerHead(spec.reference().devAccuracy(), "reference.devAccuracy", spec.heads(), 1);
            checkPerHead(spec.reference().trainAccuracy(), "reference.trainAccuracy", spec.heads(), 1);
            checkPerHead(spec.reference().testLoss(), "reference.testLoss", spec.heads(), 1e6);
            checkEpochs(spec.reference().epochs(), spec.heads());
        }
        if (spec.acceptance() != null && spec.acceptance().seedTolerance() != null) {
            range(spec.acceptance().seedTolerance(), "acceptance.seedTolerance", 0, false, 1, true);
            if (spec.reference() == null || spec.reference().testAccuracy() == null) {
                throw fail("acceptance.seedTolerance", "needs the notebook's figure to compare with; allowed: only "
                        + "with reference.testAccuracy");
            }
        }
    }

    /**
     * The notebook's epochs: numbered 1, 2, ... in order, one value per head. More than the spec trains is allowed
     * (a study may shorten a spec): the page then shows the notebook's curve beyond the run's.
     */
    private void checkEpochs(List<ReferenceSpec.Epoch> epochs, int heads) {
        if (epochs == null) return;
        for (int i = 0; i < epochs.size(); i++) {
            String at = "reference.epochs[" + i + "]";
            ReferenceSpec.Epoch e = required(epochs.get(i), at, "{epoch, trainLoss, trainAccuracy, devLoss, devAccuracy}");
            int n = required(e.epoch(), at + ".epoch", "the epoch's number, from 1");
            if (n != i + 1) {
                throw fail(at + ".epoch", n + " is out of order; allowed: " + (i + 1) + " (from 1, one by one)");
            }
            checkPerHead(e.trainLoss(), at + ".trainLoss", heads, 1e6);
            checkPerHead(e.trainAccuracy(), at + ".trainAccuracy", heads, 1);
            checkPerHead(e.devLoss(), at + ".devLoss", heads, 1e6);
            checkPerHead(e.devAccuracy(), at + ".devAccuracy", heads, 1);
        }
    }

    private void checkPerHead(List<Double> values, String field, int heads, double max) {
        if (values == null) return;
        if (values.size() != heads) {
            throw fail(field, values.size() + " values given; allowed: one per head (" + heads + ")");
        }
        for (int i = 0; i < values.size(); i++) {
            range(required(values.get(i), field + "[" + i + "]", "a number"), field + "[" + i + "]", 0, true, max, true);
        }
    }

    private void checkDataset(DatasetSpec d) {
        String kind = required(d.name(), "dataset.name", "mnist, idx or multi-digit-mnist");
        if (DatasetSpec.IDX.equals(kind)) {
            for (String[] f : new String[][] {{d.trainImages(), "trainImages"}, {d.trainLabels(), "trainLabels"},
                    {d.testImages(), "testImages"}, {d.testLabels(), "testLabels"}}) {
                String path = required(f[0], "dataset." + f[1], "a path relative to the data folder");
                if (path.isBlank() || path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*")
                        || List.of(path.split("[/\\\\]")).contains("..")) {
                    throw fail("dataset." + f[1], "'" + path + "' leaves the data folder; allowed: a relative path "
                            + "inside it, without '..'");
                }
            }
        } else if (DatasetSpec.MNIST.equals(kind) || DatasetSpec.MULTI_DIGIT.equals(kind)) {
            for (String[] f : new String[][] {{d.trainImages(), "trainImages"}, {d.trainLabels(), "trainLabels"},
                    {d.testImages(), "testImages"}, {d.testLabels(), "testLabels"}}) {
                if (f[0] != null) throw fail("dataset." + f[1], "only for 'name: idx'; MNIST's files are fixed");
            }
        } else {
            throw fail("dataset.name", "unknown dataset '" + kind + "'; allowed: mnist, idx, multi-digit-mnist");
        }
        if (DatasetSpec.MULTI_DIGIT.equals(kind)) {
            DatasetSpec.MultiDigitSpec m = d.multiDigit();
            range(m.trainCount(), "dataset.multiDigit.trainCount", 10, true, 1_000_000, true);
            range(m.testCount(), "dataset.multiDigit.testCount", 1, true, 1_000_000, true);
            range(m.overlap(), "dataset.multiDigit.overlap", 0, true, 28, true);
            range(m.seed(), "dataset.multiDigit.seed", 0, true, Long.MAX_VALUE, true);
        }
        if (d.multiDigit() != null && !DatasetSpec.MULTI_DIGIT.equals(kind)) {
            throw fail("dataset.multiDigit", "only for 'name: multi-digit-mnist'");
        }
        range(d.devFraction(), "dataset.devFraction", 0, false, 0.5, true);
        range(d.shuffleSeed(), "dataset.shuffleSeed", 0, true, 4294967295.0, true);
        if (d.trainLimit() != null) range(d.trainLimit(), "dataset.trainLimit", 10, true, Integer.MAX_VALUE, true);
        if (d.testLimit() != null) range(d.testLimit(), "dataset.testLimit", 1, true, Integer.MAX_VALUE, true);
        range(d.pixelDivisor(), "dataset.pixelDivisor", 1, true, 65536, true);
    }

    private void checkModel(ModelSpec m) {
        List<Integer> input = required(m.input(), "model.input", "[channels, height, width], e.g. [1, 28, 28]");
        if (input.size() != 3 || input.contains(null)) {
            throw fail("model.input", input + " is not a shape; allowed: [channels, height, width], e.g. [1, 28, 28]");
        }
        for (int i = 0; i < 3; i++) range(input.get(i), "model.input[" + i + "]", 1, true, 4096, true);
        List<LayerSpec> layers = required(m.layers(), "model.layers", "a list of layers");
        range(m.output().heads(), "model.output.heads", 1, true, 16, true);
        range(m.output().classes(), "model.output.classes", 2, true, 1000, true);

        // Walk the shapes the way PyTorch would: (c, h, w) for images, (n) once flattened.
        int c = input.get(0), h = input.get(1), w = input.get(2);
        boolean flat = false;
        for (int i = 0; i < layers.size(); i++) {
            String at = "model.layers[" + i + "]";
            LayerSpec layer = required(layers.get(i), at, "a layer");
            if (layer instanceof LayerSpec.Dense d) {
                if (!flat) throw fail(at, "dense needs a flat input but receives " + c + "x" + h + "x" + w
                        + "; allowed: put {type: flatten} before it");
                range(required(d.units(), at + ".units", "a whole number"), at + ".units", 1, true, 65536, true);
                c = d.units();
            } else if (layer instanceof LayerSpec.Conv2d k) {
                if (flat) throw fail(at, "conv2d needs an image input but receives a flat vector of " + c);
                range(required(k.filters(), at + ".filters", "a whole number"), at + ".filters", 1, true, 4096, true);
                int kernel = required(k.kernel(), at + ".kernel", "a whole number");
                range(k.stride(), at + ".stride", 1, true, 64, true);
                checkPadding(k, at);
                int ph = h + k.paddingBefore() + k.paddingAfter(), pw = w + k.paddingBefore() + k.paddingAfter();
                if (kernel < 1 || kernel > Math.min(ph, pw)) {
                    throw fail(at + ".kernel", kernel + " does not fit the " + ph + "x" + pw + " input it receives; "
                            + "allowed: 1.." + Math.min(ph, pw));
                }
                c = k.filters();
                h = (ph - kernel) / k.stride() + 1;
                w = (pw - kernel) / k.stride() + 1;
            } else if (layer instanceof LayerSpec.MaxPool p) {
                if (flat) throw fail(at, "maxpool needs an image input but receives a flat vector of " + c);
                int[] out = pool(at, p.size(), p.stride(), h, w);
                h = out[0];
                w = out[1];
            } else if (layer instanceof LayerSpec.AvgPool p) {
                if (flat) throw fail(at, "avgpool needs an image input but receives a flat vector of " + c);
                int[] out = pool(at, p.size(), p.stride(), h, w);
                h = out[0];
                w = out[1];
            } else if (layer instanceof LayerSpec.GlobalAvgPool) {
                if (flat) throw fail(at, "globalavgpool needs an image input but receives a flat vector of " + c);
                h = 1;
                w = 1;
            } else if (layer instanceof LayerSpec.BatchNorm b) {
                range(b.momentum(), at + ".momentum", 0, true, 1, true);
                range(b.eps(), at + ".eps", 0, false, 1, true);
            } else if (layer instanceof LayerSpec.Flatten) {
                if (!flat) {
                    c = c * h * w;
                    flat = true;
                }
            } else if (layer instanceof LayerSpec.Dropout d) {
                range(required(d.p(), at + ".p", "the drop probability"), at + ".p", 0, true, 1, false);
            } else if (layer instanceof LayerSpec.LeakyRelu r) {
                range(r.slope(), at + ".slope", 0, true, 1, true);
            }
        }
        if (!flat) {
            throw fail("model.layers", "the output layer needs a flat input but the last layer gives " + c + "x" + h + "x"
                    + w + "; allowed: end the trunk with {type: flatten} or a dense layer after it");
        }
    }

    /** A pooling window of {@code size} and {@code stride} on an h x w image: the output's height and width. */
    private int[] pool(String at, Integer sizeGiven, Integer strideGiven, int h, int w) {
        int size = required(sizeGiven, at + ".size", "a whole number");
        int stride = strideGiven == null ? size : strideGiven;
        if (size < 1 || size > Math.min(h, w)) {
            throw fail(at + ".size", size + " does not fit the " + h + "x" + w + " input it receives; "
                    + "allowed: 1.." + Math.min(h, w));
        }
        range(stride, at + ".stride", 1, true, 64, true);
        return new int[] {(h - size) / stride + 1, (w - size) / stride + 1};
    }

    private void checkPadding(LayerSpec.Conv2d k, String at) {
        Object padding = k.padding();
        if (padding instanceof Integer p) {
            range(p, at + ".padding", 0, true, 64, true);
        } else if (!k.samePadding()) {
            throw fail(at + ".padding", "'" + padding + "' is not a padding; allowed: a whole number of pixels, or same");
        } else if (k.stride() != 1) {
            throw fail(at + ".padding", "same needs stride 1 (torch refuses padding='same' for strided convolutions: "
                    + "the output could not be as large as the input); allowed: stride: 1, or a number of pixels");
        }
    }

    private void checkTraining(TrainingSpec t) {
        TrainingSpec.OptimizerSpec o = required(t.optimizer(), "training.optimizer", "{type: sgd, learningRate: ...}");
        checkOptimizer(o);
        if (t.schedule() != null) checkSchedule(t.schedule(), t.epochs(), o);
        if (t.augmentation() != null) {
            TrainingSpec.AugmentationSpec a = t.augmentation();
            range(a.rotation(), "training.augmentation.rotation", 0, true, 180, true);
            range(a.shift(), "training.augmentation.shift", 0, true, 64, true);
            range(a.scale(), "training.augmentation.scale", 0, true, 1, false);
            if (a.pairsAnew() && !TrainingSpec.AugmentationSpec.NEW_PAIRS.contains(a.newPairs())) {
                throw fail("training.augmentation.newPairs", "unknown value '" + a.newPairs() + "'; allowed: "
                        + String.join(", ", TrainingSpec.AugmentationSpec.NEW_PAIRS));
            }
            if (a.elastic() != null) {
                range(a.elastic().alpha(), "training.augmentation.elastic.alpha", 0, true, 1000, true);
                range(a.elastic().sigma(), "training.augmentation.elastic.sigma", 0, false, 20, true);
            }
        }
        if (t.labelSmoothing() != null) range(t.labelSmoothing(), "training.labelSmoothing", 0, true, 1, true);
        if (t.testTimeShift() != null) range(t.testTimeShift(), "training.testTimeShift", 0, true, 4, true);
        if (t.ensemble() != null) range(t.ensemble(), "training.ensemble", 1, true, MAX_MEMBERS, true);
        if (t.patience() != null) {
            range(t.patience(), "training.patience", 1, true, 10000, true);
            if (!t.keepsBest()) {
                throw fail("training.patience", "early stopping needs the best epoch kept; allowed: only with keepBest: "
                        + "true");
            }
        }
        range(required(t.batchSize(), "training.batchSize", "a whole number"), "training.batchSize", 1, true, 65536, true);
        range(required(t.epochs(), "training.epochs", "a whole number"), "training.epochs", 1, true, 10000, true);
        range(t.seed(), "training.seed", 0, true, Long.MAX_VALUE, true);
        if (t.seed() > Long.MAX_VALUE - (t.members() - 1)) { // member i trains with seed + i - 1
            throw fail("training.seed", t.seed() + " leaves no seeds for " + t.members() + " ensemble members; allowed: "
                    + "at most " + (Long.MAX_VALUE - (t.members() - 1)));
        }
        if (!INITS.contains(t.weightInit())) {
            throw fail("training.weightInit", "unknown initialisation '" + t.weightInit() + "'; allowed: "
                    + String.join(", ", INITS.stream().sorted().toList()));
        }
        if (!GENERATORS.contains(t.generator())) {
            throw fail("training.generator", "unknown generator '" + t.generator() + "'; allowed: torch (PyTorch's, "
                    + "as torch.manual_seed seeds it), nd4j");
        }
    }

    /** Networks an ensemble may train: each costs a whole run's training. */
    static final int MAX_MEMBERS = 16;

    private static final String OPT = "training.optimizer.";

    private void checkOptimizer(TrainingSpec.OptimizerSpec o) {
        String type = o.type();
        if (!TrainingSpec.OptimizerSpec.TYPES.contains(type)) {
            throw fail(OPT + "type", "unknown optimizer '" + type + "'; allowed: "
                    + String.join(", ", TrainingSpec.OptimizerSpec.TYPES));
        }
        range(required(o.learningRate(), OPT + "learningRate", "a number > 0"), OPT + "learningRate", 0, false, 10, true);
        boolean sgd = TrainingSpec.OptimizerSpec.SGD.equals(type);
        boolean rmsprop = TrainingSpec.OptimizerSpec.RMSPROP.equals(type);
        boolean adam = !sgd && !rmsprop;
        only(o.momentum(), OPT + "momentum", type, !adam, "sgd, rmsprop");
        only(o.nesterov(), OPT + "nesterov", type, sgd, "sgd");
        only(o.betas(), OPT + "betas", type, adam, "adam, adamw");
        only(o.alpha(), OPT + "alpha", type, rmsprop, "rmsprop");
        only(o.eps(), OPT + "eps", type, !sgd, "adam, adamw, rmsprop");
        if (o.momentum() != null) range(o.momentum(), OPT + "momentum", 0, true, 1, false);
        if (sgd && o.nesterov() && o.momentum() <= 0) {
            throw fail(OPT + "nesterov", "Nesterov momentum needs momentum > 0 (as in torch.optim.SGD)");
        }
        if (o.betas() != null) {
            if (o.betas().size() != 2 || o.betas().stream().anyMatch(java.util.Objects::isNull)) {
                throw fail(OPT + "betas", o.betas() + " is not a pair; allowed: [beta1, beta2], e.g. [0.9, 0.999]");
            }
            range(o.betas().get(0), OPT + "betas[0]", 0, true, 1, false);
            range(o.betas().get(1), OPT + "betas[1]", 0, true, 1, false);
        }
        if (o.alpha() != null) range(o.alpha(), OPT + "alpha", 0, true, 1, true);
        if (o.eps() != null) range(o.eps(), OPT + "eps", 0, false, 1, true);
        if (o.weightDecay() != null) range(o.weightDecay(), OPT + "weightDecay", 0, true, 10, true);
    }

    /** A setting that belongs to other types than the one given is refused, naming the types it belongs to. */
    private void only(Object value, String field, String type, boolean belongs, String types) {
        if (value != null && !belongs) {
            throw fail(field, "not a setting of " + type + "; allowed: only for " + types);
        }
    }

    private static final String SCHEDULE = "training.schedule.";

    private void checkSchedule(TrainingSpec.ScheduleSpec s, Integer epochs, TrainingSpec.OptimizerSpec o) {
        String type = required(s.type(), SCHEDULE + "type", String.join(", ", TrainingSpec.ScheduleSpec.TYPES));
        if (!TrainingSpec.ScheduleSpec.TYPES.contains(type)) {
            throw fail(SCHEDULE + "type", "unknown schedule '" + type + "'; allowed: "
                    + String.join(", ", TrainingSpec.ScheduleSpec.TYPES));
        }
        if (!List.of(TrainingSpec.ScheduleSpec.BATCH, TrainingSpec.ScheduleSpec.EPOCH).contains(s.stepEvery())) {
            throw fail(SCHEDULE + "stepEvery", "'" + s.stepEvery() + "' is not a step; allowed: batch, epoch");
        }
        boolean step = TrainingSpec.ScheduleSpec.STEP.equals(type), multi = TrainingSpec.ScheduleSpec.MULTI_STEP.equals(type),
                cosine = TrainingSpec.ScheduleSpec.COSINE.equals(type),
                oneCycle = TrainingSpec.ScheduleSpec.ONE_CYCLE.equals(type);
        onlyFor(s.stepSize(), "stepSize", type, step, "step");
        onlyFor(s.milestones(), "milestones", type, multi, "multiStep");
        onlyFor(s.gamma(), "gamma", type, step || multi, "step, multiStep");
        onlyFor(s.tMax(), "tMax", type, cosine, "cosine");
        onlyFor(s.etaMin(), "etaMin", type, cosine, "cosine");
        for (Object[] f : new Object[][] {{s.pctStart(), "pctStart"}, {s.divFactor(), "divFactor"},
                {s.finalDivFactor(), "finalDivFactor"}, {s.cycleMomentum(), "cycleMomentum"},
                {s.baseMomentum(), "baseMomentum"}, {s.maxMomentum(), "maxMomentum"}}) {
            onlyFor(f[0], (String) f[1], type, oneCycle, "oneCycle");
        }
        onlyFor(s.warmup(), "warmup", type, !oneCycle, "constant, cosine, multiStep, step (oneCycle warms up itself)");
        if (step) range(required(s.stepSize(), SCHEDULE + "stepSize", "a whole number of steps"), SCHEDULE + "stepSize",
                1, true, Integer.MAX_VALUE, true);
        if (multi) {
            List<Integer> m = required(s.milestones(), SCHEDULE + "milestones", "a list of steps, e.g. [5, 8]");
            for (int i = 0; i < m.size(); i++) {
                int v = required(m.get(i), SCHEDULE + "milestones[" + i + "]", "a whole number");
                if (v < 1 || i > 0 && v <= m.get(i - 1)) {
                    throw fail(SCHEDULE + "milestones[" + i + "]", v + " is out of order; allowed: steps from 1, "
                            + "increasing");
                }
            }
        }
        if (s.gamma() != null) range(s.gamma(), SCHEDULE + "gamma", 0, false, 10, true);
        if (s.tMax() != null) range(s.tMax(), SCHEDULE + "tMax", 1, true, Integer.MAX_VALUE, true);
        if (s.etaMin() != null) range(s.etaMin(), SCHEDULE + "etaMin", 0, true, 10, true);
        if (oneCycle) {
            range(s.pctStart(), SCHEDULE + "pctStart", 0, false, 1, false);
            range(s.divFactor(), SCHEDULE + "divFactor", 0, false, 1e9, true);
            range(s.finalDivFactor(), SCHEDULE + "finalDivFactor", 0, false, 1e12, true);
            if (s.cyclesMomentum()) {
                range(s.baseMomentum(), SCHEDULE + "baseMomentum", 0, true, 1, false);
                range(s.maxMomentum(), SCHEDULE + "maxMomentum", 0, true, 1, false);
            } else {
                onlyFor(s.baseMomentum(), "baseMomentum", type, false, "oneCycle with cycleMomentum: true");
                onlyFor(s.maxMomentum(), "maxMomentum", type, false, "oneCycle with cycleMomentum: true");
            }
            if (!s.perBatch() && epochs != null && s.pctStart() * epochs < 2) {
                throw fail(SCHEDULE + "pctStart", s.pctStart() + " of " + epochs + " epochs leaves the warm-up phase "
                        + "less than 2 steps (OneCycleLR divides by its length); allowed: stepEvery: batch, or more "
                        + "epochs, or a larger pctStart");
            }
        }
        if (s.warmup() != null) {
            range(required(s.warmup().steps(), SCHEDULE + "warmup.steps", "a whole number of steps"),
                    SCHEDULE + "warmup.steps", 1, true, Integer.MAX_VALUE, true);
            range(s.warmup().startFactor(), SCHEDULE + "warmup.startFactor", 0, false, 1, true);
        }
    }

    private void onlyFor(Object value, String field, String type, boolean belongs, String types) {
        only(value, SCHEDULE + field, type, belongs, types);
    }
}
