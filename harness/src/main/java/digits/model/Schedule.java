package digits.model;

import digits.spec.TrainingSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * A learning-rate schedule of torch.optim.lr_scheduler as a function of the step: the rate (and, for OneCycleLR with
 * cycle_momentum, the momentum or Adam's first beta) at training step {@code iteration} (0-based, over the whole run)
 * of epoch {@code epoch} (0-based). Stepped per batch, the scheduler's count is the iteration; per epoch, the epoch:
 * {@code scheduler.step()} after every batch or after every epoch, as the user of torch would call it.
 *
 * <p>Travels inside the optimizer's configuration (DL4J's JSON, in model.zip), hence plain fields and a no-argument
 * constructor.
 */
public final class Schedule {

    private String type;
    private boolean perBatch;
    /** The scheduler steps of the whole run: batches x epochs, or epochs. */
    private int totalSteps;
    private double base;
    private int stepSize;
    private int[] milestones;
    private double gamma;
    private int tMax;
    private double etaMin;
    private double pctStart;
    private double divFactor;
    private double finalDivFactor;
    private boolean cycleMomentum;
    private double baseMomentum;
    private double maxMomentum;
    private int warmupSteps;
    private double warmupStart;

    private Schedule() {
        // for DL4J's JSON (ModelSerializer)
    }

    /**
     * The schedule {@code spec} describes, for a run of {@code epochs} epochs of {@code batchesPerEpoch} batches whose
     * optimizer's rate is {@code learningRate}; null for none (a constant rate).
     */
    public static Schedule of(TrainingSpec.ScheduleSpec spec, double learningRate, int epochs, int batchesPerEpoch) {
        if (spec == null) return null;
        Schedule s = new Schedule();
        s.type = spec.type();
        s.perBatch = spec.perBatch();
        s.totalSteps = s.perBatch ? Math.multiplyExact(epochs, batchesPerEpoch) : epochs;
        s.base = learningRate;
        s.stepSize = spec.stepSize() == null ? 0 : spec.stepSize();
        s.milestones = spec.milestones() == null ? new int[0] : spec.milestones().stream().mapToInt(i -> i).toArray();
        s.gamma = spec.gamma() == null ? 1 : spec.gamma();
        s.etaMin = spec.etaMin() == null ? 0 : spec.etaMin();
        if (spec.warmup() != null) {
            s.warmupSteps = spec.warmup().steps();
            s.warmupStart = spec.warmup().startFactor();
        }
        s.tMax = spec.tMax() != null ? spec.tMax() : Math.max(1, s.totalSteps - s.warmupSteps);
        if (TrainingSpec.ScheduleSpec.ONE_CYCLE.equals(s.type)) {
            s.pctStart = spec.pctStart();
            s.divFactor = spec.divFactor();
            s.finalDivFactor = spec.finalDivFactor();
            s.cycleMomentum = spec.cyclesMomentum();
            s.baseMomentum = s.cycleMomentum ? spec.baseMomentum() : 0;
            s.maxMomentum = s.cycleMomentum ? spec.maxMomentum() : 0;
            if (s.pctStart * s.totalSteps < 2) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "training.schedule.pctStart: "
                        + "%s of %d steps leaves the warm-up phase less than 2 steps (OneCycleLR divides by its "
                        + "length); allowed: a larger pctStart, or more steps", s.pctStart, s.totalSteps));
            }
        }
        return s;
    }

    /** The scheduler's count at this step. */
    private int count(int iteration, int epoch) {
        return perBatch ? iteration : epoch;
    }

    /** The learning rate of the step. */
    public double learningRate(int iteration, int epoch) {
        int k = count(iteration, epoch);
        if (warmupSteps > 0 && k < warmupSteps) {
            // LinearLR: base * (start + (1 - start) * k / total_iters)
            return base * (warmupStart + (1 - warmupStart) * k / warmupSteps);
        }
        k -= warmupSteps;
        return switch (type) {
            case TrainingSpec.ScheduleSpec.STEP -> base * Math.pow(gamma, k / stepSize);
            case TrainingSpec.ScheduleSpec.MULTI_STEP -> base * Math.pow(gamma, passed(k));
            case TrainingSpec.ScheduleSpec.COSINE -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * k / tMax)) / 2;
            case TrainingSpec.ScheduleSpec.ONE_CYCLE -> oneCycle(k, base / divFactor, base,
                    base / divFactor / finalDivFactor);
            default -> base;
        };
    }

    /** OneCycleLR's momentum (or first beta) at this step; {@code fixed} where the schedule does not cycle it. */
    public double momentum(int iteration, int epoch, double fixed) {
        if (!cycleMomentum) return fixed;
        return oneCycle(count(iteration, epoch), maxMomentum, baseMomentum, maxMomentum);
    }

    /** Whether the momentum (or Adam's first beta) follows the schedule rather than the optimizer's setting. */
    public boolean cyclesMomentum() {
        return cycleMomentum;
    }

    /** MultiStepLR: how many milestones the count has reached. */
    private int passed(int k) {
        int n = 0;
        for (int m : milestones) if (k >= m) n++;
        return n;
    }

    /**
     * OneCycleLR's two phases (three_phase=False), cosine annealing: from {@code start} to {@code peak} until step
     * {@code pct_start * total - 1}, then to {@code end} at step {@code total - 1}.
     */
    private double oneCycle(int k, double start, double peak, double end) {
        k = Math.min(k, totalSteps - 1); // (torch refuses to step past total_steps; the run never does)
        double firstEnd = pctStart * totalSteps - 1;
        double lastEnd = totalSteps - 1;
        if (k <= firstEnd) return anneal(start, peak, k / firstEnd);
        return anneal(peak, end, (k - firstEnd) / (lastEnd - firstEnd));
    }

    /** OneCycleLR's {@code _annealing_cos}. */
    private static double anneal(double start, double end, double pct) {
        double cosOut = Math.cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && Objects.equals(s.type, type) && s.perBatch == perBatch
                && s.totalSteps == totalSteps && s.base == base && s.stepSize == stepSize
                && Arrays.equals(s.milestones, milestones) && s.gamma == gamma && s.tMax == tMax && s.etaMin == etaMin
                && s.pctStart == pctStart && s.divFactor == divFactor && s.finalDivFactor == finalDivFactor
                && s.cycleMomentum == cycleMomentum && s.baseMomentum == baseMomentum && s.maxMomentum == maxMomentum
                && s.warmupSteps == warmupSteps && s.warmupStart == warmupStart;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, perBatch, totalSteps, base, warmupSteps);
    }

    @Override
    public String toString() {
        return type + (perBatch ? " per batch" : " per epoch") + " over " + totalSteps + " steps";
    }
}
