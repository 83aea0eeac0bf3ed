package digits.report;

import digits.train.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The lines a run prints: one per epoch while it trains, and its verdict at the end. */
public final class ConsoleLines {

    private ConsoleLines() {}

    public static String epoch(EpochMetrics m) {
        StringBuilder sb = new StringBuilder(String.format("epoch %d: ", m.epoch()));
        for (int h = 0; h < m.trainLoss().size(); h++) {
            if (m.trainLoss().size() > 1) sb.append("[head ").append(h + 1).append("] ");
            sb.append(String.format("train loss %.6f acc %.6f | dev loss %.6f acc %.6f  ", m.trainLoss().get(h),
                    m.trainAccuracy().get(h), m.devLoss().get(h), m.devAccuracy().get(h)));
        }
        if (m.devAllHeadsAccuracy() != null) {
            sb.append(String.format("| all heads right: train %.4f dev %.4f  ", m.trainAllHeadsAccuracy(),
                    m.devAllHeadsAccuracy()));
        }
        sb.append(String.format("(%.1f s, %,.0f img/s)", m.trainSeconds(), m.trainImagesPerSecond()));
        return sb.toString();
    }

    /** A test's accuracy per head, e.g. {@code 0.9956} or {@code 0.9955 / 0.9909, every head right 0.9863}. */
    public static String accuracy(digits.train.TestMetrics t) {
        return accuracy(t.accuracy(), t.allHeadsAccuracy());
    }

    private static String accuracy(List<Double> perHead, Double allHeads) {
        return perHead.stream().map(a -> String.format("%.4f", a)).collect(Collectors.joining(" / "))
                + (allHeads == null ? "" : String.format(", every head right %.4f", allHeads));
    }

    /** Each threshold with PASS or FAIL, every-head accuracy (two heads), and the seed's test accuracy beside ours. */
    public static List<String> verdict(RunReport report) {
        boolean heads = report.test() != null && report.test().accuracy().size() > 1;
        List<String> out = new ArrayList<>();
        report.acceptance().forEach(c -> out.add(check(c, heads)));
        if (report.test() != null && report.test().allHeadsAccuracy() != null) {
            out.add(String.format("test images with every head right: %.4f", report.test().allHeadsAccuracy()));
        }
        if (report.test() != null && report.test().oneViewAccuracy() != null) {
            var t = report.test();
            out.add("reading each test image once instead of in five shifted views: accuracy "
                    + accuracy(t.oneViewAccuracy(), t.oneViewAllHeadsAccuracy()));
        }
        if (report.members() != null && report.test() != null) {
            out.add("the ensemble's members alone: " + report.members().stream().map(ConsoleLines::member)
                    .collect(Collectors.joining("; ")));
        }
        report.reference().stream().filter(r -> r.metric().equals("testAccuracy") && r.epoch() == null).forEach(r -> out.add(String.format(
                "seed notebook reported%s %.4f; reproduced %.4f (delta %+.4f)", head(heads, r.head()), r.seed(),
                r.reproduced(), r.delta())));
        return out;
    }

    /** E.g. {@code seed 12322 0.9966} (every head right, with several heads). */
    private static String member(RunReport.Member m) {
        Double figure = m.testAllHeadsAccuracy() != null ? m.testAllHeadsAccuracy()
                : m.testAccuracy() == null ? null : m.testAccuracy().get(0);
        return "seed " + m.seed() + " " + (figure == null ? "-" : String.format("%.4f", figure));
    }

    /** "test accuracy 0.9201 > 0.8500: PASS", or for the tolerance "... within 0.0030 of the notebook's ...". */
    static String check(RunReport.ThresholdCheck c, boolean heads) {
        String verdict = c.passed() ? "PASS" : "FAIL";
        if (RunReport.ThresholdCheck.SEED_DELTA.equals(c.metric())) {
            return String.format("test accuracy%s within %.4f of the notebook's: off by %.4f: %s", head(heads, c.head()),
                    c.threshold(), c.actual(), verdict);
        }
        if (RunReport.ThresholdCheck.ALL_HEADS.equals(c.metric())) {
            return String.format("test images with every head right %.4f > %.4f: %s", c.actual(), c.threshold(),
                    verdict);
        }
        return String.format("test accuracy%s %.4f > %.4f: %s", head(heads, c.head()), c.actual(), c.threshold(),
                verdict);
    }

    private static String head(boolean heads, int h) {
        return heads ? " (head " + (h + 1) + ")" : "";
    }
}
