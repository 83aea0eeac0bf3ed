package digits.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * How the network is trained, each setting with its PyTorch meaning: the optimizer (torch.optim's SGD, Adam, AdamW,
 * RMSprop), a learning-rate schedule (torch.optim.lr_scheduler's), augmentation of the training images, and which
 * epoch's network is tested. Settings a spec leaves out stay out of the spec as run (so its hash, which resume and
 * the studies compare, is what it was before they existed).
 *
 * @param weightInit   {@code pytorch} (default: weights and biases uniform in +-1/sqrt(fan_in), like nn.Linear and
 *                     nn.Conv2d), {@code xavier} or {@code he} (DL4J's, zero biases)
 * @param generator    where the random numbers come from: {@code torch} (default: PyTorch's CPU generator after
 *                     {@code torch.manual_seed(seed)}, drawn exactly as torch draws the initial weights of
 *                     {@code weightInit: pytorch} and then every dropout mask) or {@code nd4j} (ND4J's generator
 *                     seeded with {@code seed}: the same distributions, other numbers)
 * @param schedule     the learning rate over the run; none: constant
 * @param augmentation random affine transforms of the training images; none: the images as they are
 * @param keepBest     test the epoch with the best dev accuracy (every head right, with several heads) instead of the
 *                     last; the report names it
 * @param patience     with {@code keepBest}: stop after this many epochs without a better dev accuracy
 * @param labelSmoothing the training loss is torch's {@code cross_entropy(..., label_smoothing)}: the target puts
 *                     {@code 1 - labelSmoothing} on the label and spreads {@code labelSmoothing} evenly over all
 *                     classes; none: 0. Dev and test losses stay plain cross-entropy, comparable with the seed's
 * @param testTimeShift test-time augmentation: the tested network reads each test image and its four copies shifted
 *                     this many pixels up, down, left and right, and answers with the mean of the five softmaxes
 *                     (per head); digits:predict and digits:serve answer the same way. The dev figures of each epoch,
 *                     and so the choice of keepBest, stay one view per image. none: 0, one view
 * @param ensemble     train this many networks, member i (from 1) exactly as the spec with {@code seed + i - 1} (its
 *                     weights, dropout masks, augmentation and pairs), each testing its own kept epoch; the run answers
 *                     with the mean of their softmaxes (per head, over the test views too), and so do digits:predict
 *                     and digits:serve. Members share the data and its dev split. none: 1, one network
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"optimizer", "schedule", "batchSize", "epochs", "seed", "weightInit", "generator", "augmentation",
        "keepBest", "patience", "labelSmoothing", "testTimeShift", "ensemble"})
public record TrainingSpec(OptimizerSpec optimizer, ScheduleSpec schedule, Integer batchSize, Integer epochs, Long seed,
                           String weightInit, String generator, AugmentationSpec augmentation, Boolean keepBest,
                           Integer patience, Double labelSmoothing, Integer testTimeShift,
                           Integer ensemble) {

    public static final String INIT_PYTORCH = "pytorch";
    public static final String GENERATOR_TORCH = "torch";
    public static final String GENERATOR_ND4J = "nd4j";

    public TrainingSpec {
        if (weightInit == null) weightInit = INIT_PYTORCH;
        if (seed == null) seed = 12321L;
        if (generator == null) generator = GENERATOR_TORCH;
    }

    /** The seed's settings only: SGD, no schedule, no augmentation, the last epoch tested. */
    public TrainingSpec(OptimizerSpec optimizer, Integer batchSize, Integer epochs, Long seed, String weightInit,
                        String generator) {
        this(optimizer, null, batchSize, epochs, seed, weightInit, generator, null, null, null, null, null, null);
    }

    /** {@code ensemble}, 1 (one network) where none is set. */
    @JsonIgnore
    public int members() {
        return ensemble == null ? 1 : ensemble;
    }

    /**
     * Member {@code member} (from 1) of the ensemble: these settings with seed {@code seed + member - 1} and no
     * ensemble, so that member 1 trains exactly as the spec without {@code ensemble} would.
     */
    public TrainingSpec member(int member) {
        return new TrainingSpec(optimizer, schedule, batchSize, epochs, seed + member - 1, weightInit, generator,
                augmentation, keepBest, patience, labelSmoothing, testTimeShift, null);
    }

    /** {@code labelSmoothing}, 0 where none is set. */
    @JsonIgnore
    public double smoothing() {
        return labelSmoothing == null ? 0 : labelSmoothing;
    }

    /** {@code testTimeShift}, 0 (one view per test image) where none is set. */
    @JsonIgnore
    public int testShift() {
        return testTimeShift == null ? 0 : testTimeShift;
    }

    /** Whether two-digit training images are composed anew every epoch ({@code augmentation.newPairs}). */
    @JsonIgnore
    public boolean pairsAnew() {
        return augmentation != null && augmentation.pairsAnew();
    }

    /** Whether the best epoch on the dev set is kept and tested. */
    @JsonIgnore
    public boolean keepsBest() {
        return Boolean.TRUE.equals(keepBest);
    }

    /**
     * An optimizer of torch.optim with its arguments' names and defaults: {@code sgd} (SGD: momentum, nesterov,
     * weight_decay as L2 added to the gradient), {@code adam} (Adam: betas, eps, weight_decay as L2), {@code adamw}
     * (AdamW: betas, eps, decoupled weight_decay, default 0.01), {@code rmsprop} (RMSprop: alpha, eps, momentum,
     * weight_decay as L2). A setting that does not belong to the type is refused by the validator; defaults are
     * filled in for the type's own settings only.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "learningRate", "momentum", "nesterov", "betas", "alpha", "eps", "weightDecay"})
    public record OptimizerSpec(String type, Double learningRate, Double momentum, Boolean nesterov, List<Double> betas,
                                Double alpha, Double eps, Double weightDecay) {

        public static final String SGD = "sgd", ADAM = "adam", ADAMW = "adamw", RMSPROP = "rmsprop";
        public static final List<String> TYPES = List.of(ADAM, ADAMW, RMSPROP, SGD);

        public OptimizerSpec {
            if (type == null) type = SGD;
            if (SGD.equals(type)) {
                if (momentum == null) momentum = 0.0;
                if (nesterov == null) nesterov = false;
            } else if (ADAM.equals(type) || ADAMW.equals(type)) {
                if (betas == null) betas = List.of(0.9, 0.999);
                if (eps == null) eps = 1e-8;
                if (weightDecay == null && ADAMW.equals(type)) weightDecay = 0.01; // torch.optim.AdamW's default
            } else if (RMSPROP.equals(type)) {
                if (momentum == null) momentum = 0.0;
                if (alpha == null) alpha = 0.99;
                if (eps == null) eps = 1e-8;
            }
        }

        /** torch.optim.SGD(lr, momentum, nesterov), the seed's optimizer. */
        public OptimizerSpec(String type, Double learningRate, Double momentum, Boolean nesterov) {
            this(type, learningRate, momentum, nesterov, null, null, null, null);
        }

        /** The weight decay, 0 where none is set. */
        @JsonIgnore
        public double decay() {
            return weightDecay == null ? 0 : weightDecay;
        }

        /** Momentum, 0 for the Adam family (which has betas instead). */
        @JsonIgnore
        public double momentumOrZero() {
            return momentum == null ? 0 : momentum;
        }
    }

    /**
     * torch.optim.lr_scheduler's schedules, stepped after every batch or after every epoch ({@code stepEvery}); counts
     * ({@code stepSize}, {@code milestones}, {@code tMax}, {@code warmup.steps}) are in those steps.
     * <ul>
     *   <li>{@code step}: StepLR(step_size, gamma = 0.1);</li>
     *   <li>{@code multiStep}: MultiStepLR(milestones, gamma = 0.1);</li>
     *   <li>{@code cosine}: CosineAnnealingLR(T_max = to the end of training, eta_min = 0), its closed form;</li>
     *   <li>{@code oneCycle}: OneCycleLR(max_lr = the optimizer's learningRate, total_steps = the run's steps,
     *       pct_start = 0.3, cos annealing, div_factor = 25, final_div_factor = 1e4, cycle_momentum = true with
     *       base_momentum 0.85 and max_momentum 0.95: the momentum, or Adam's first beta, cycles the other way);</li>
     *   <li>{@code constant}: the optimizer's rate throughout (with a warm-up, only the warm-up).</li>
     * </ul>
     * {@code warmup} (not with oneCycle, which has its own): LinearLR(start_factor, total_iters = steps) first, then
     * the schedule from its own step 0, as SequentialLR runs the two. Defaults are filled in for the type's settings.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "stepEvery", "stepSize", "milestones", "gamma", "tMax", "etaMin", "pctStart",
            "divFactor", "finalDivFactor", "cycleMomentum", "baseMomentum", "maxMomentum", "warmup"})
    public record ScheduleSpec(String type, String stepEvery, Integer stepSize, List<Integer> milestones, Double gamma,
                               Integer tMax, Double etaMin, Double pctStart, Double divFactor, Double finalDivFactor,
                               Boolean cycleMomentum, Double baseMomentum, Double maxMomentum, Warmup warmup) {

        public static final String STEP = "step", MULTI_STEP = "multiStep", COSINE = "cosine", ONE_CYCLE = "oneCycle",
                CONSTANT = "constant", BATCH = "batch", EPOCH = "epoch";
        public static final List<String> TYPES = List.of(CONSTANT, COSINE, MULTI_STEP, ONE_CYCLE, STEP);

        public ScheduleSpec {
            if (stepEvery == null && type != null) stepEvery = ONE_CYCLE.equals(type) ? BATCH : EPOCH;
            if ((STEP.equals(type) || MULTI_STEP.equals(type)) && gamma == null) gamma = 0.1;
            if (COSINE.equals(type) && etaMin == null) etaMin = 0.0;
            if (ONE_CYCLE.equals(type)) {
                if (pctStart == null) pctStart = 0.3;
                if (divFactor == null) divFactor = 25.0;
                if (finalDivFactor == null) finalDivFactor = 1e4;
                if (cycleMomentum == null) cycleMomentum = true;
                if (Boolean.TRUE.equals(cycleMomentum)) {
                    if (baseMomentum == null) baseMomentum = 0.85;
                    if (maxMomentum == null) maxMomentum = 0.95;
                }
            }
        }

        @JsonIgnore
        public boolean perBatch() {
            return BATCH.equals(stepEvery);
        }

        /** Whether this schedule sets the momentum (or Adam's first beta) too: OneCycleLR's cycle_momentum. */
        @JsonIgnore
        public boolean cyclesMomentum() {
            return ONE_CYCLE.equals(type) && Boolean.TRUE.equals(cycleMomentum);
        }

        /** LinearLR(start_factor, end_factor = 1, total_iters = steps); torch's default start_factor is 1/3. */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @JsonPropertyOrder({"steps", "startFactor"})
        public record Warmup(Integer steps, Double startFactor) {
            public Warmup {
                if (startFactor == null) startFactor = 1.0 / 3;
            }
        }
    }

    /**
     * One random affine transform per training image and epoch, as torchvision's {@code RandomAffine(degrees =
     * rotation, translate = shift pixels, scale = (1 - scale, 1 + scale))} draws it: an angle uniform in
     * [-rotation, rotation] degrees (counter-clockwise), a shift per axis uniform in [-shift, shift] pixels rounded to
     * whole pixels, a zoom uniform in [1 - scale, 1 + scale], about the image's centre, bilinear, zeros outside. The
     * numbers come from the spec's training seed, the epoch and the image's place in the epoch, so every run and every
     * resumed run sees the same images. Dev and test images are never transformed.
     *
     * @param elastic  an elastic distortion on top of the affine one (Simard et al. 2003), as torchvision's
     *                 {@code ElasticTransform(alpha, sigma)}; none: affine only
     * @param newPairs two-digit data only: every epoch, the training images are composed anew (the labels follow),
     *                 before the affine: {@code ownDigits}, each first digit with another training image's second;
     *                 {@code allDigits}, both digits drawn from MNIST's training digits in no dev image. The dev and
     *                 test images stay what they are
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"rotation", "shift", "scale", "elastic", "newPairs"})
    public record AugmentationSpec(Double rotation, Double shift, Double scale, Elastic elastic, String newPairs) {

        public static final String OWN_DIGITS = "ownDigits", ALL_DIGITS = "allDigits";
        public static final List<String> NEW_PAIRS = List.of(OWN_DIGITS, ALL_DIGITS);

        public AugmentationSpec {
            if (rotation == null) rotation = 0.0;
            if (shift == null) shift = 0.0;
            if (scale == null) scale = 0.0;
        }

        public AugmentationSpec(Double rotation, Double shift, Double scale) {
            this(rotation, shift, scale, null, null);
        }

        /** Whether two-digit training images are paired anew every epoch. */
        @JsonIgnore
        public boolean pairsAnew() {
            return newPairs != null;
        }

        /**
         * torchvision's {@code ElasticTransform(alpha, sigma)}: per pixel and axis a displacement uniform in [-1, 1],
         * blurred by a Gaussian of {@code sigma} pixels (kernel {@code int(8 sigma + 1)}, made odd, reflected at the
         * edges), times {@code alpha / 2} pixels ({@code alpha / size} in grid_sample's [-1, 1] coordinates). Simard
         * et al.'s alpha in pixels is this alpha / 2.
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @JsonPropertyOrder({"alpha", "sigma"})
        public record Elastic(Double alpha, Double sigma) {
            public Elastic {
                if (alpha == null) alpha = 50.0; // torchvision's defaults
                if (sigma == null) sigma = 5.0;
            }
        }
    }
}
