package digits.report;

import digits.report.RunReport.ReferenceDelta;
import digits.report.RunReport.Status;
import digits.report.RunReport.ThresholdCheck;
import digits.spec.AcceptanceSpec;
import digits.spec.ExperimentSpec;
import digits.spec.ReferenceSpec;
import digits.train.EpochMetrics;
import digits.train.TestMetrics;
import java.util.ArrayList;
import java.util.List;

/** How a run is judged and compared: its acceptance checks (a threshold per head) and its deltas to the seed. */
public final class Assessment {

    private Assessment() {}

    /**
     * Test accuracy of every head against the spec's threshold (strictly above) and, where the spec sets a seed
     * tolerance, its distance to the notebook's figure (at most the tolerance); null before the test ran.
     */
    public static List<ThresholdCheck> checks(ExperimentSpec spec, TestMetrics test) {
        if (test == null) return null;
        List<ThresholdCheck> out = new ArrayList<>();
        AcceptanceSpec acceptance = spec.acceptance();
        if (acceptance == null) return out;
        if (acceptance.testAccuracyAbove() != null) {
            double t = acceptance.testAccuracyAbove();
            for (int h = 0; h < test.accuracy().size(); h++) {
                double a = test.accuracy().get(h);
                out.add(new ThresholdCheck(ThresholdCheck.TEST_ACCURACY, h, t, a, a > t));
            }
        }
        if (acceptance.seedTolerance() != null) { // the validator made sure reference.testAccuracy is there
            double tolerance = acceptance.seedTolerance();
            for (int h = 0; h < test.accuracy().size(); h++) {
                double off = Math.abs(test.accuracy().get(h) - spec.reference().testAccuracy().get(h));
                out.add(new ThresholdCheck(ThresholdCheck.SEED_DELTA, h, tolerance, off, off <= tolerance));
            }
        }
        return out;
    }

    /** Every check passed; no verdict (null) while running; a run that stopped without a test failed. */
    public static Boolean passed(Status status, List<ThresholdCheck> checks) {
        if (checks == null) return status == Status.running ? null : Boolean.FALSE;
        return checks.stream().allMatch(ThresholdCheck::passed);
    }

    /**
     * The seed's figures next to the reproduced ones: test accuracy and loss from {@code test}, dev and train
     * accuracy from the last epoch, then epoch by epoch whatever the notebook printed (train/dev loss and
     * accuracy); reproduced figures not there yet are null.
     */
    public static List<ReferenceDelta> deltas(ExperimentSpec spec, TestMetrics test, List<EpochMetrics> epochs) {
        ReferenceSpec ref = spec.reference();
        if (ref == null) return List.of();
        EpochMetrics last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
        List<ReferenceDelta> out = new ArrayList<>();
        add(out, "testAccuracy", ref.testAccuracy(), test == null ? null : test.accuracy());
        add(out, "testLoss", ref.testLoss(), test == null ? null : test.loss());
        add(out, "devAccuracy", ref.devAccuracy(), last == null ? null : last.devAccuracy());
        add(out, "trainAccuracy", ref.trainAccuracy(), last == null ? null : last.trainAccuracy());
        if (ref.epochs() == null) return out;
        for (ReferenceSpec.Epoch e : ref.epochs()) {
            EpochMetrics m = epochs.stream().filter(x -> x.epoch() == e.epoch()).findFirst().orElse(null);
            add(out, "trainLoss", e.epoch(), e.trainLoss(), m == null ? null : m.trainLoss());
            add(out, "trainAccuracy", e.epoch(), e.trainAccuracy(), m == null ? null : m.trainAccuracy());
            add(out, "devLoss", e.epoch(), e.devLoss(), m == null ? null : m.devLoss());
            add(out, "devAccuracy", e.epoch(), e.devAccuracy(), m == null ? null : m.devAccuracy());
        }
        return out;
    }

    private static void add(List<ReferenceDelta> out, String metric, List<Double> seed, List<Double> reproduced) {
        add(out, metric, null, seed, reproduced);
    }

    private static void add(List<ReferenceDelta> out, String metric, Integer epoch, List<Double> seed,
                            List<Double> reproduced) {
        if (seed == null) return;
        for (int h = 0; h < seed.size(); h++) {
            Double r = reproduced == null ? null : reproduced.get(h);
            out.add(new ReferenceDelta(metric, h, epoch, seed.get(h), r, r == null ? null : r - seed.get(h)));
        }
    }
}
