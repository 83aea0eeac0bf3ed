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
        if (spec.acceptance() != null && spec.acceptance().testAccuracyAbove() != null) {
            range(spec.acceptance().testAccuracyAbove(), "acceptance.testAccuracyAbove", 0, true, 1, false);
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
                range(k.padding(), at + ".padding", 0, true, 64, true);
                int ph = h + 2 * k.padding(), pw = w + 2 * k.padding();
                if (kernel < 1 || kernel > Math.min(ph, pw)) {
                    throw fail(at + ".kernel", kernel + " does not fit the " + ph + "x" + pw + " input it receives; "
                            + "allowed: 1.." + Math.min(ph, pw));
                }
                c = k.filters();
                h = (ph - kernel) / k.stride() + 1;
                w = (pw - kernel) / k.stride() + 1;
            } else if (layer instanceof LayerSpec.MaxPool p) {
                if (flat) throw fail(at, "maxpool needs an image input but receives a flat vector of " + c);
                int size = required(p.size(), at + ".size", "a whole number");
                if (size < 1 || size > Math.min(h, w)) {
                    throw fail(at + ".size", size + " does not fit the " + h + "x" + w + " input it receives; "
                            + "allowed: 1.." + Math.min(h, w));
                }
                range(p.effectiveStride(), at + ".stride", 1, true, 64, true);
                h = (h - size) / p.effectiveStride() + 1;
                w = (w - size) / p.effectiveStride() + 1;
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

    private void checkTraining(TrainingSpec t) {
        TrainingSpec.OptimizerSpec o = required(t.optimizer(), "training.optimizer", "{type: sgd, learningRate: ...}");
        if (!"sgd".equals(o.type())) {
            throw fail("training.optimizer.type", "unknown optimizer '" + o.type() + "'; allowed: sgd");
        }
        range(required(o.learningRate(), "training.optimizer.learningRate", "a number > 0"),
                "training.optimizer.learningRate", 0, false, 10, true);
        range(o.momentum(), "training.optimizer.momentum", 0, true, 1, false);
        if (o.nesterov() && o.momentum() <= 0) {
            throw fail("training.optimizer.nesterov", "Nesterov momentum needs momentum > 0 (as in torch.optim.SGD)");
        }
        range(required(t.batchSize(), "training.batchSize", "a whole number"), "training.batchSize", 1, true, 65536, true);
        range(required(t.epochs(), "training.epochs", "a whole number"), "training.epochs", 1, true, 10000, true);
        range(t.seed(), "training.seed", 0, true, Long.MAX_VALUE, true);
        if (!INITS.contains(t.weightInit())) {
            throw fail("training.weightInit", "unknown initialisation '" + t.weightInit() + "'; allowed: "
                    + String.join(", ", INITS.stream().sorted().toList()));
        }
        if (!GENERATORS.contains(t.generator())) {
            throw fail("training.generator", "unknown generator '" + t.generator() + "'; allowed: torch (PyTorch's, "
                    + "as torch.manual_seed seeds it), nd4j");
        }
    }
}
