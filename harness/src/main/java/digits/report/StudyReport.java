package digits.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import digits.spec.StudySpec;
import java.util.List;
import java.util.Map;

/**
 * {@code study.json}: a row per variant (mean and spread over seeds of dev and test accuracy, the delta to the
 * base and its p-value, seconds), which variant the dev set selects, and the runs behind every row.
 *
 * @param significance the rule behind the rows' {@code *BeyondSpread} marks; absent from format 1 files, which
 *                     used {@link #LEGACY_SPREAD_RULE}
 */
@JsonPropertyOrder({"format", "study", "runId", "description", "base", "repeats", "started", "finished",
        "selection", "significance", "rows", "spec"})
public record StudyReport(int format, String study, String runId, String description, String base, int repeats,
                          String started, String finished, Selection selection, String significance, List<Row> rows,
                          StudySpec spec) {

    /** 2: p-values per row and the significance rule (format 1 files still read: the new fields stay null). */
    public static final int FORMAT = 2;
    public static final String RULE = "the variant with the highest mean dev accuracy (last epoch); test accuracy is "
            + "reported but never used to choose";
    /** A difference is marked when Welch's test says chance would give it less than 5% of the time. */
    public static final double ALPHA = 0.05;
    public static final String SIGNIFICANCE_RULE = "Welch's two-sided t-test of the variant's seeds against the "
            + "base's, p < " + ALPHA;
    /** What format 1 files marked: the difference of the means beyond twice its standard error. */
    public static final String LEGACY_SPREAD_RULE = "|mean - base mean| > 2 * sqrt(std^2/n + base std^2/base n)";

    public record Selection(String variant, double devAccuracy, double testAccuracy, String rule) {}

    /**
     * @param devP             Welch's two-sided p-value of the variant's dev accuracies against the base's; null for
     *                         the base itself, with one seed, or in format 1 files
     * @param testP            the same for test accuracy
     * @param devBeyondSpread  the dev difference is significant ({@link #significance}); the name is format 1's, so
     *                         older readers still show the mark
     * @param testBeyondSpread the same for test accuracy
     */
    public record Row(String variant, Map<String, JsonNode> overrides, Stats dev, Stats test, double deltaDev,
                      double deltaTest, Double devP, Double testP, boolean devBeyondSpread, boolean testBeyondSpread,
                      double seconds, boolean selected, List<RunRef> runs) {}

    /** One training run of a variant: its seed, folder (relative to the reports folder) and figures. */
    public record RunRef(long seed, String report, String status, double devAccuracy, double testAccuracy,
                         double seconds, boolean reused) {}
}
