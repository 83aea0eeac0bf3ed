package digits.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import digits.spec.ExperimentSpec;
import digits.spec.SpecLoader;
import digits.spec.TrainingSpec.ScheduleSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The optimizers, schedules and batch norm of the spec against the numbers torch 1.13 itself printed (float64, CPU),
 * not against a re-derivation of its formulas. The script that printed them: start from p = [0.5, -1, 2], set
 * {@code p.grad} to each of {@link #GRADIENTS} in turn and call {@code opt.step()}; for schedules, read
 * {@code param_groups[0]['lr']} (and {@code 'momentum'}) before each {@code opt.step(); sched.step()} of an
 * {@code SGD(lr=0.1, momentum=0.9)}.
 */
class TorchFormulasTest {

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    static final double[] P0 = {0.5, -1.0, 2.0};
    static final double[][] GRADIENTS = {{1, 2, 3}, {1, 1, 1}, {-2, 0.5, 4}, {0.3, -0.7, 0.1}};

    /** The optimizer a spec's {@code training.optimizer} builds, without a schedule. */
    static TorchOptimizer optimizer(String yaml) {
        ExperimentSpec spec = SpecLoader.parse(Path.of("s.yaml"), """
                name: s
                dataset: {name: mnist}
                model: {input: [1, 2, 2], layers: [{type: flatten}]}
                training: {optimizer: %s, batchSize: 1, epochs: 1}
                """.formatted(yaml));
        return (TorchOptimizer) NetworkFactory.updater(spec.training(), 1);
    }

    /** Each optimizer: its spec, then torch's parameters after each of the four steps. */
    @ParameterizedTest
    @ValueSource(strings = {
            // torch.optim.Adam(lr=0.1)
            "{type: adam, learningRate: 0.1}|0.400000001, -1.0999999995, 1.9000000003333333, 0.30000000200000065, -1.1932179627914896, 1.8128936056505294, 0.3075649350221912, -1.27748812835029, 1.7210285971530277, 0.3066458640897012, -1.326497207942958, 1.6446524103899014",
            // Adam(lr=0.1, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.05): L2 added to the gradient
            "{type: adam, learningRate: 0.1, betas: [0.8, 0.99], eps: 0.001, weightDecay: 0.05}|0.40009746588693956, -1.0999487442337263, 1.9000322476620446, 0.30022135601390143, -1.1908566730354413, 1.814468650811876, 0.3150030015328114, -1.269560083723011, 1.7206077164270424, 0.3175904032823195, -1.304220031241896, 1.6464071802322764",
            // AdamW(lr=0.1, weight_decay=0.05): decoupled
            "{type: adamw, learningRate: 0.1, weightDecay: 0.05}|0.397500001, -1.0949999995, 1.8900000003333333, 0.2955125019950007, -1.1827429627939896, 1.7934436056488627, 0.3015998725072162, -1.26109941353882, 1.6926113791231168, 0.2991728022121901, -1.303802996063794, 1.6077721354643748",
            // RMSprop(lr=0.1)
            "{type: rmsprop, learningRate: 0.1}|-0.4999999000000096, -1.999999950000002, 1.0000000333333325, -1.2088810547570925, -2.44901318490565, 0.6823395744292517, -0.39034243459121243, -2.66911737079284, -0.10499334214153266, -0.5128128446571001, -2.3732815900832165, -0.12477195622950583",
            // RMSprop(lr=0.1, alpha=0.9, eps=1e-3, momentum=0.5, weight_decay=0.05)
            "{type: rmsprop, learningRate: 0.1, alpha: 0.9, eps: 0.001, momentum: 0.5, weightDecay: 0.05}|0.1847448430952914, -1.3157157757887663, 1.6840944859025022, -0.2000941608189765, -1.6159056137458219, 1.4168674034831543, -0.12911069406106787, -1.8318400001907447, 1.0280559517931565, -0.13383504887780945, -1.8187635912444613, 0.8236508414766743",
            // SGD(lr=0.1, momentum=0.9, weight_decay=0.05)
            "{type: sgd, learningRate: 0.1, momentum: 0.9, weightDecay: 0.05}|0.3975, -1.195, 1.69, 0.20326249999999998, -1.464525, 1.3025499999999999, 0.22743243749999997, -1.7497748750000002, 0.5473322499999997, 0.21804821906249996, -1.9277508881250003, -0.14510038625000043",
            // SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05)
            "{type: sgd, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.05}|0.30525, -1.3705, 1.4109999999999998, 0.029325125000000025, -1.70543025, 0.9564954999999998, 0.2520877738125, -2.0018331376250003, -0.12529575725000014, 0.2133112869550313, -2.079252757805063, -0.7524133493311251"})
    void optimizersStepAsTorch(String config) {
        String[] parts = config.split("\\|");
        TorchOptimizer o = optimizer(parts[0]);
        double[] expected = java.util.Arrays.stream(parts[1].split(",")).mapToDouble(s -> Double.parseDouble(s.strip()))
                .toArray();

        // the ND4J version (DL4J's own layers), in double
        INDArray p = Nd4j.createFromArray(P0.clone());
        long stateSize = o.stateSize(3);
        GradientUpdater<?> u = o.instantiate(stateSize == 0 ? null : Nd4j.zeros(DataType.DOUBLE, 1, stateSize), true);
        ((TorchOptimizer.State) u).parameters(p);
        // the float version (the direct step)
        float[] pf = {0.5f, -1f, 2f};
        float[] state = new float[(int) stateSize];
        for (int t = 0; t < GRADIENTS.length; t++) {
            INDArray g = Nd4j.createFromArray(GRADIENTS[t].clone());
            u.applyUpdater(g, t, 0);
            p.subi(g);
            float[] gf = new float[3];
            for (int i = 0; i < 3; i++) gf[i] = (float) GRADIENTS[t][i];
            o.step(pf, gf, state, 3, t, 0);
            for (int i = 0; i < 3; i++) {
                assertThat(p.getDouble(i)).as("ND4J, step %d, element %d", t + 1, i)
                        .isCloseTo(expected[3 * t + i], offset(1e-9));
                assertThat((double) pf[i]).as("floats, step %d, element %d", t + 1, i)
                        .isCloseTo(expected[3 * t + i], offset(2e-6));
            }
        }
    }

    static Schedule schedule(String type, Integer stepSize, List<Integer> milestones, Double gamma, Integer tMax,
                             Double etaMin, ScheduleSpec.Warmup warmup, int steps) {
        ScheduleSpec spec = new ScheduleSpec(type, "epoch", stepSize, milestones, gamma, tMax, etaMin, null, null, null,
                null, null, null, warmup);
        return Schedule.of(spec, 0.1, steps, 1);
    }

    static void assertRates(Schedule s, double... torch) {
        for (int k = 0; k < torch.length; k++) {
            assertThat(s.learningRate(0, k)).as("step %d", k).isCloseTo(torch[k], offset(1e-12));
            assertThat(s.learningRate(k, k)).as("step %d", k).isCloseTo(torch[k], offset(1e-12));
        }
    }

    @Test
    void stepLr() {
        // StepLR(step_size=3, gamma=0.5)
        assertRates(schedule("step", 3, null, 0.5, null, null, null, 8), 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025);
    }

    @Test
    void multiStepLr() {
        // MultiStepLR(milestones=[2, 5], gamma=0.1), stepped per epoch
        assertRates(schedule("multiStep", null, List.of(2, 5), null, null, null, null, 8), 0.1, 0.1,
                0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002,
                0.0010000000000000002, 0.0010000000000000002);
    }

    @Test
    void cosineAnnealingLr() {
        // CosineAnnealingLR(T_max=8, eta_min=0.001)
        assertRates(schedule("cosine", null, null, null, 8, 0.001, null, 8), 0.1, 0.0962320368593087,
                0.0855017856687341, 0.06944282990207196, 0.0505, 0.03155717009792806, 0.0154982143312659,
                0.004767963140691306);
        // T_max defaults to the whole run
        assertThat(schedule("cosine", null, null, null, null, 0.001, null, 8).learningRate(0, 3))
                .isCloseTo(0.06944282990207196, offset(1e-12));
    }

    @Test
    void linearWarmupThenCosine() {
        // SequentialLR([LinearLR(start_factor=0.25, total_iters=3), CosineAnnealingLR(T_max=7)], milestones=[3])
        assertRates(schedule("cosine", null, null, null, null, null, new ScheduleSpec.Warmup(3, 0.25), 10), 0.025,
                0.05, 0.07500000000000001, 0.1, 0.09504844339512096, 0.08117449009293669, 0.061126046697815725,
                0.03887395330218429, 0.018825509907063328, 0.004951556604879048);
    }

    @Test
    void oneCycleLrCyclesTheRateAndTheMomentum() {
        // OneCycleLR(max_lr=0.1, total_steps=10): the rate, and SGD's momentum
        ScheduleSpec spec = new ScheduleSpec("oneCycle", "batch", null, null, null, null, null, null, null, null, null,
                null, null, null);
        Schedule s = Schedule.of(spec, 0.1, 2, 5); // 2 epochs of 5 batches
        double[] rate = {0.0040000000000000036, 0.052000000000000005, 0.1, 0.09504846320134738, 0.0811745653949763,
                0.06112620219362893, 0.03887419780637107, 0.0188258346050237, 0.004951936798652629, 4e-07};
        double[] momentum = {0.95, 0.8999999999999999, 0.85, 0.854951556604879, 0.8688255099070633,
                0.8888739533021842, 0.9111260466978157, 0.9311744900929366, 0.945048443395121, 0.95};
        for (int k = 0; k < 10; k++) {
            assertThat(s.learningRate(k, k / 5)).as("rate, step %d", k).isCloseTo(rate[k], offset(1e-12));
            assertThat(s.momentum(k, k / 5, 0.9)).as("momentum, step %d", k).isCloseTo(momentum[k], offset(1e-12));
        }
    }

    /**
     * nn.BatchNorm2d(2) (momentum 0.1, eps 1e-5), one training batch then eval: through a network whose last dense
     * layer is the identity, its logits are the batch norm's output in eval, which reads the running mean and the
     * running (unbiased) variance torch printed: [0.18065762332930893, 0.055355074751980676] and
     * [1.2315032499003105, 1.6262949202924086].
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void batchNormMovesItsRunningStatisticsAsTorch(boolean direct) {
        ExperimentSpec spec = SpecLoader.parse(Path.of("s.yaml"), """
                name: s
                dataset: {name: mnist}
                model:
                  input: [2, 1, 5]
                  layers: [{type: batchnorm}, {type: flatten}]
                training: {optimizer: {type: sgd, learningRate: 0.1}, batchSize: 3, epochs: 1}
                """);
        DigitsNetwork net = NetworkFactory.build(spec);
        net.directStepAllowed(direct);
        assertThat(net.direct() != null).isEqualTo(direct);
        var dense = net.getLayer(net.getnLayers() - 1);
        dense.getParam("W").assign(Nd4j.eye(10));
        dense.getParam("b").assign(0);
        double[][] x = {
                {0.0, 1.932653061713073, 2.9563491899653807, 2.589628099946622, 1.0049644504677153,
                        -1.0523496830688595, -2.6147273172407632, -2.947357837872998, -1.8937999136169648,
                        0.05044170145304914},
                {3.5244129544236893, 3.9749944313574055, 3.0263895416534528, 1.1247419872998727, -0.8355736728281569,
                        -1.932590352995291, -1.6503639671604606, -0.12162999449071066, 1.9346240905401335,
                        3.5513098618856933},
                {4.727892280477045, 3.282139640701489, 1.2333766939195063, -0.45483133319323077, -0.988493826507522,
                        -0.11662097671117566, 1.750731791547508, 3.7353192931645984, 4.903759016094459,
                        4.70651550126888}};
        INDArray features = Nd4j.createFromArray(x).castTo(DataType.FLOAT);
        // a zero loss gradient: the step moves nothing but the running statistics
        net.trainStep(features, logits -> new float[30], 0, 0);
        double[][] torchEval = {
                {-0.1627933829232372, 1.5787502294363542, 2.5012186685336415, 2.170760613494204, 0.7427956511526338,
                        -0.8686064163182616, -2.0937444579961118, -2.3545765998141515, -1.5284294098607147,
                        -0.0038528204768341623},
                {3.0131097264808986, 3.4191356752385675, 2.564333114424753, 0.8507290450486452, -0.9157417632599874,
                        -1.5588469234607316, -1.3375391716797316, -0.13878279898261284, 1.4736283414661555,
                        2.741352095694461},
                {4.097583590112307, 2.794793490464851, 0.948621462028175, -0.5726489429902653, -1.053540482604517,
                        -0.13485497890958573, 1.3294292399558003, 2.8856430464586014, 3.8018747708890572,
                        3.6472063167319124}};
        float[][] logits = net.logits(features);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 10; j++) {
                assertThat((double) logits[i][j]).as("eval output [%d][%d]", i, j)
                        .isCloseTo(torchEval[i][j], offset(1e-5));
            }
        }
    }
}
