package digits.report.html;

import digits.report.MisclassifiedImages;
import digits.train.TestMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One misclassified test image on the run page: its PNG (relative to the page) and, per head, the labels. */
public record GalleryItem(String src, String alt, int index, List<Head> heads) {

    /** {@code probability}: the model's probability of its prediction; {@code trueProbability}: of the truth. */
    public record Head(String name, int truth, int predicted, boolean wrong, String probability,
                       String trueProbability) {}

    static GalleryItem of(TestMetrics.Misclassified m) {
        List<Head> heads = new ArrayList<>();
        int n = m.truth() == null ? 0 : m.truth().size();
        for (int h = 0; h < n; h++) {
            int t = label(m.truth(), h), p = label(m.predicted(), h);
            heads.add(new Head(n > 1 ? (h == 0 ? "top" : h == 1 ? "bottom" : "head " + (h + 1)) : "", t, p, t != p,
                    pct(value(m.probability(), h)), pct(value(m.trueProbability(), h))));
        }
        String alt = "test image " + m.index() + ": true " + heads.stream().map(h -> String.valueOf(h.truth()))
                .reduce((a, b) -> a + " " + b).orElse("?") + ", predicted " + heads.stream()
                .map(h -> String.valueOf(h.predicted())).reduce((a, b) -> a + " " + b).orElse("?");
        return new GalleryItem(MisclassifiedImages.relativePath(m.index()), alt, m.index(), heads);
    }

    private static Double value(List<Double> values, int i) {
        return values == null || i >= values.size() ? null : values.get(i);
    }

    private static int label(List<Integer> values, int i) {
        Integer v = values == null || i >= values.size() ? null : values.get(i);
        return v == null ? -1 : v;
    }

    private static String pct(Double p) {
        return Fmt.present(p) ? String.format(Locale.ROOT, "%.1f%%", 100 * p) : Fmt.NONE;
    }
}
