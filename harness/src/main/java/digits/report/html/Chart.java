package digits.report.html;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What report.js needs to draw one uPlot chart into {@code #chart-<id>}: x values (or category names for
 * bars; for a history, seconds since 1970 with a label per point) and the series. Serialised with
 * {@link SafeJson} into the page.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Chart(String id, String title, String kind, String xLabel, String yLabel, int decimals,
                    List<? extends Number> x, List<String> xNames, List<Series> series) {

    /** Train, dev and test keep their colours on every page (and in report.css). */
    static final String TRAIN = "#2563eb", DEV = "#ea580c", TEST = "#16a34a", THRESHOLD = "#6b7280";

    /** Dash patterns (uPlot's: line and gap lengths in pixels): a second head, the notebook's figures of each head. */
    static final List<Integer> DASHED = List.of(6, 4), NOTEBOOK = List.of(2, 3), NOTEBOOK_SECOND = List.of(9, 3, 2, 3);

    /**
     * {@code dash}: the dash pattern, or null for a solid line. {@code points}: drawn as points only (a single
     * figure such as test accuracy), no line.
     */
    public record Series(String label, String color, List<Integer> dash, boolean points, List<Double> values) {

        /** {@code dash}: dashed rather than solid. */
        public Series(String label, String color, boolean dash, boolean points, List<Double> values) {
            this(label, color, dash ? DASHED : null, points, values);
        }
    }

    static Chart lines(String id, String title, String xLabel, String yLabel, int decimals, List<Integer> x,
                       List<Series> series) {
        return new Chart(id, title, "lines", xLabel, yLabel, decimals, x, null, series);
    }

    /** Values over time: {@code x} in seconds since 1970, {@code labels} what the legend shows for each point. */
    static Chart history(String id, String title, List<Long> x, List<String> labels, List<Series> series) {
        return new Chart(id, title, "history", null, "test accuracy", 4, x, labels, series);
    }

    static Chart bars(String id, String title, String yLabel, List<String> names, List<Series> series) {
        List<Integer> x = java.util.stream.IntStream.range(0, names.size()).boxed().toList();
        return new Chart(id, title, "bars", null, yLabel, 4, x, names, series);
    }
}
