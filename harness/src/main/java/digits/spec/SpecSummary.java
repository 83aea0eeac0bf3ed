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
        if (l instanceof LayerSpec.Conv2d c) return "conv" + c.filters() + "k" + c.kernel() + (c.samePadding() ? "s" : "");
        if (l instanceof LayerSpec.MaxPool p) return "pool" + p.size();
        if (l instanceof LayerSpec.AvgPool p) return "avgpool" + p.size();
        if (l instanceof LayerSpec.GlobalAvgPool) return "gap";
        if (l instanceof LayerSpec.BatchNorm) return "bn";
        if (l instanceof LayerSpec.Dropout d) return "drop" + d.p();
        if (l instanceof LayerSpec.LeakyRelu) return "lrelu";
        if (l instanceof LayerSpec.Relu) return "relu";
        return "flatten";
    }

    /** E.g. {@code sgd lr 0.01 m 0.9 nesterov, batch 32, 10 epochs}, {@code adamw lr 0.003 wd 0.01 oneCycle, ...}. */
    public static String training(ExperimentSpec s) {
        var t = s.training();
        var o = t.optimizer();
        return String.format(Locale.ROOT, "%s lr %s%s%s%s%s%s%s, batch %d, %d epochs%s", o.type(), o.learningRate(),
                o.momentumOrZero() > 0 ? " m " + o.momentum() : "", Boolean.TRUE.equals(o.nesterov()) ? " nesterov" : "",
                o.decay() > 0 ? " wd " + o.weightDecay() : "", t.schedule() == null ? "" : " " + t.schedule().type(),
                t.augmentation() == null ? "" : " augmented",
                t.smoothing() > 0 ? " smoothing " + t.labelSmoothing() : "", t.batchSize(), t.epochs(),
                t.keepsBest() ? ", best epoch" + (t.patience() == null ? "" : " (patience " + t.patience() + ")") : "")
                + (t.testShift() > 0 ? ", tested on 5 views (shift " + t.testShift() + ")" : "")
                + (t.members() > 1 ? ", ensemble of " + t.members() : "");
    }

    public static String threshold(ExperimentSpec s) {
        var a = s.acceptance();
        if (a == null) return "-";
        String perHead = a.testAccuracyAbove() == null ? null : "> " + a.testAccuracyAbove();
        String all = a.testAllHeadsAccuracyAbove() == null ? null : "all heads > " + a.testAllHeadsAccuracyAbove();
        return perHead == null ? all == null ? "-" : all : all == null ? perHead : perHead + ", " + all;
    }

    public static String reference(ExperimentSpec s) {
        if (s.reference() == null || s.reference().testAccuracy() == null) return "-";
        return s.reference().testAccuracy().stream().map(v -> String.format(Locale.ROOT, "%.4f", v))
                .collect(Collectors.joining(" / "));
    }
}
