package digits.spec;

import java.util.Locale;
import java.util.stream.Collectors;

/** Short human-readable descriptions of a spec, for tables and logs. */
public final class SpecSummary {
    private SpecSummary() {}

    /** E.g. {@code conv32k3 relu pool2 flatten dense128 drop0.5 -> 1x10}. */
    public static String layers(ExperimentSpec s) {
        String trunk = s.model().layers().stream().map(SpecSummary::layer).collect(Collectors.joining(" "));
        return trunk + " -> " + s.model().output().heads() + "x" + s.model().output().classes();
    }

    static String layer(LayerSpec l) {
        if (l instanceof LayerSpec.Dense d) return "dense" + d.units();
        if (l instanceof LayerSpec.Conv2d c) return "conv" + c.filters() + "k" + c.kernel();
        if (l instanceof LayerSpec.MaxPool p) return "pool" + p.size();
        if (l instanceof LayerSpec.Dropout d) return "drop" + d.p();
        if (l instanceof LayerSpec.LeakyRelu) return "lrelu";
        if (l instanceof LayerSpec.Relu) return "relu";
        return "flatten";
    }

    /** E.g. {@code sgd lr 0.01 m 0.9 nesterov, batch 32, 10 epochs}. */
    public static String training(ExperimentSpec s) {
        var o = s.training().optimizer();
        return String.format(Locale.ROOT, "sgd lr %s%s%s, batch %d, %d epochs", o.learningRate(),
                o.momentum() > 0 ? " m " + o.momentum() : "", o.nesterov() ? " nesterov" : "",
                s.training().batchSize(), s.training().epochs());
    }

    public static String threshold(ExperimentSpec s) {
        return s.acceptance() == null || s.acceptance().testAccuracyAbove() == null ? "-"
                : "> " + s.acceptance().testAccuracyAbove();
    }

    public static String reference(ExperimentSpec s) {
        if (s.reference() == null || s.reference().testAccuracy() == null) return "-";
        return s.reference().testAccuracy().stream().map(v -> String.format(Locale.ROOT, "%.4f", v))
                .collect(Collectors.joining(" / "));
    }
}
