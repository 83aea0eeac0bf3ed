package digits.study;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * {@code study.json}: a row per variant (mean and spread over seeds of dev and test accuracy, the delta to the
 * base, seconds), which variant the dev set selects, and the runs behind every row.
 */
@JsonPropertyOrder({"format", "study", "runId", "description", "base", "repeats", "started", "finished",
        "selection", "rows", "spec"})
public record StudyReport(int format, String study, String runId, String description, String base, int repeats,
                          String started, String finished, Selection selection, List<Row> rows, StudySpec spec) {

    public static final int FORMAT = 1;
    public static final String RULE = "the variant with the highest mean dev accuracy (last epoch); test accuracy is "
            + "reported but never used to choose";
    public static final String SPREAD_RULE = "|mean - base mean| > 2 * sqrt(std^2/n + base std^2/base n)";

    public record Selection(String variant, double devAccuracy, double testAccuracy, String rule) {}

    /**
     * @param devBeyondSpread  the dev difference to the base exceeds the seed-to-seed spread ({@link #SPREAD_RULE})
     * @param testBeyondSpread the same for test accuracy
     */
    public record Row(String variant, Map<String, JsonNode> overrides, Stats dev, Stats test, double deltaDev,
                      double deltaTest, boolean devBeyondSpread, boolean testBeyondSpread, double seconds,
                      boolean selected, List<RunRef> runs) {}

    /** One training run of a variant: its seed, folder (relative to the reports folder) and figures. */
    public record RunRef(long seed, String report, String status, double devAccuracy, double testAccuracy,
                         double seconds, boolean reused) {}
}
