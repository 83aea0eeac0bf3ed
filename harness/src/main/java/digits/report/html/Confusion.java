package digits.report.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A confusion matrix as a heat map: each cell shaded by its share of the true class's images, blue on the
 * diagonal (right), red off it (wrong), so the mistakes stand out.
 */
public record Confusion(String title, List<String> classes, List<Row> rows) {

    public record Row(String label, List<Cell> cells) {}

    /** {@code style} is computed here from numbers only (never from report text). */
    public record Cell(int count, String style, String tip) {}

    static Confusion of(String title, int[][] m) {
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < m.length; c++) classes.add(String.valueOf(c));
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < m.length; t++) {
            int total = 0;
            for (int v : m[t]) total += v;
            List<Cell> cells = new ArrayList<>();
            for (int p = 0; p < m[t].length; p++) {
                double share = total == 0 ? 0 : (double) m[t][p] / total;
                cells.add(new Cell(m[t][p], style(share, t == p), String.format(Locale.ROOT,
                        "true %d, predicted %d: %d (%.1f%% of %d)", t, p, m[t][p], 100 * share, total)));
            }
            rows.add(new Row(String.valueOf(t), cells));
        }
        return new Confusion(title, classes, rows);
    }

    static String style(double share, boolean diagonal) {
        if (share == 0) return "";
        // off the diagonal a few percent is already notable: scale it up so it is visible
        double alpha = diagonal ? 0.15 + 0.85 * share : Math.min(1, 0.12 + 4 * share);
        String rgb = diagonal ? "37, 99, 235" : "220, 38, 38";
        return String.format(Locale.ROOT, "background-color: rgba(%s, %.2f);%s", rgb, alpha,
                alpha > 0.55 ? " color: #fff;" : "");
    }
}
