package digits.model;

import static org.assertj.core.api.Assertions.assertThat;

import digits.spec.ExperimentSpec;
import digits.spec.SpecLoader;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The direct path (kernels plus the BLAS update) against DL4J's own layers and updaters on the same network: same
 * logits, and the same parameters and updater state after several steps, up to float rounding.
 */
class DirectStepTest {

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    static String mlp(String optimizer, String hidden) {
        return """
                name: s
                dataset: {name: mnist}
                model:
                  input: [1, 6, 6]
                  layers:
                    - {type: flatten}
                    - {type: dense, units: 12}
                    - %s
                    - {type: dense, units: 7}
                  output: {heads: 2, classes: 5}
                training:
                  optimizer: %s
                  batchSize: 8
                  epochs: 1
                """.formatted(hidden, optimizer);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{type: sgd, learningRate: 0.1}|{type: relu}",
            "{type: sgd, learningRate: 0.05, momentum: 0.9}|{type: leakyrelu, slope: 0.1}",
            "{type: sgd, learningRate: 0.05, momentum: 0.9, nesterov: true}|{type: relu}",
            "{type: sgd, learningRate: 0.05, momentum: 0.9, nesterov: true}|{type: dense, units: 9}"})
    void denseNetworksMatchDl4j(String config) {
        String[] parts = config.split("\\|");
        assertMatchesDl4j(SpecLoader.parse(Path.of("s.yaml"), mlp(parts[0], parts[1])), 36, 8);
    }

    static String cnn(String layers, String input) {
        return """
                name: s
                dataset: {name: mnist}
                model:
                  input: %s
                  layers:
                %s
                training:
                  optimizer: {type: sgd, learningRate: 0.05, momentum: 0.9, nesterov: true}
                  batchSize: 8
                  epochs: 1
                """.formatted(input, layers.indent(4));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // the seed CNN's shape, small
            "[1, 12, 12]|[{type: conv2d, filters: 4, kernel: 3}, {type: relu}, {type: maxpool, size: 2}, {type: flatten}, {type: dense, units: 16}, {type: leakyrelu}]",
            // two convolutions (the second one's input gradient flows), dropout, an odd batch
            "[1, 14, 14]|[{type: conv2d, filters: 3, kernel: 3}, {type: relu}, {type: maxpool, size: 2}, {type: conv2d, filters: 5, kernel: 2}, {type: relu}, {type: maxpool, size: 2}, {type: flatten}, {type: dense, units: 8}, {type: relu}, {type: dropout, p: 0.5}]",
            // an activation layer of its own, after pooling (in oneDNN's blocked layout), and after dropout
            "[1, 10, 10]|[{type: conv2d, filters: 16, kernel: 3}, {type: maxpool, size: 2}, {type: leakyrelu, slope: 0.2}, {type: flatten}, {type: dense, units: 8}, {type: dropout, p: 0.3}, {type: relu}]",
            // stride, padding, a convolution without activation, pooling 3x3 stride 2
            "[2, 11, 9]|[{type: conv2d, filters: 4, kernel: 3, stride: 2, padding: 1}, {type: conv2d, filters: 3, kernel: 2, padding: 1}, {type: relu}, {type: maxpool, size: 3, stride: 2}, {type: flatten}, {type: dense, units: 6}]"})
    void convolutionNetworksMatchDl4jsOwnLayers(String config) {
        String[] in = config.split("\\|")[0].replaceAll("[\\[\\] ]", "").split(",");
        int inputs = Integer.parseInt(in[0]) * Integer.parseInt(in[1]) * Integer.parseInt(in[2]);
        assertMatchesDl4j(spec(config), inputs, 7);
    }

    static final String SMALL_CNN = "[1, 12, 12]|[{type: conv2d, filters: 4, kernel: 3}, {type: relu}, "
            + "{type: maxpool, size: 2}, {type: flatten}, {type: dense, units: 16}, {type: relu}, {type: dropout, p: 0.5}]";

    static ExperimentSpec spec(String config) {
        String[] parts = config.split("\\|");
        return SpecLoader.parse(Path.of("s.yaml"), cnn("- " + parts[1].substring(1, parts[1].length() - 1)
                .replace("}, {", "}\n- {"), parts[0]));
    }

    @org.junit.jupiter.api.Test
    void nd4jsDropoutMasksMatchDl4jToo() {
        // generator: nd4j draws DL4J's own masks from ND4J's stream (the direct step calls DL4J's Dropout)
        ExperimentSpec spec = SpecLoader.parse(Path.of("s.yaml"), cnn("- {type: conv2d, filters: 4, kernel: 3}\n"
                + "- {type: relu}\n- {type: maxpool, size: 2}\n- {type: flatten}\n- {type: dense, units: 16}\n"
                + "- {type: dropout, p: 0.5}", "[1, 12, 12]").replace("  epochs: 1\n", "  epochs: 1\n  generator: nd4j\n"));
        assertThat(spec.training().generator()).isEqualTo("nd4j");
        assertMatchesDl4j(spec, 144, 8);
    }

    @org.junit.jupiter.api.Test
    void aBatchOfOneMatchesDl4j() {
        assertMatchesDl4j(spec(SMALL_CNN), 144, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1|1", "2|1", "1|2", "2|2"})
    void anyThreadCountsMatchDl4j(String threads) {
        // -Ddigits.threads (ND4J, OpenBLAS) and -Ddigits.layerThreads (oneDNN's kernels)
        String[] t = threads.split("\\|");
        System.setProperty("digits.threads", t[0]);
        System.setProperty("digits.layerThreads", t[1]);
        try {
            assertMatchesDl4j(spec(SMALL_CNN), 144, 9);
        } finally {
            System.clearProperty("digits.threads");
            System.clearProperty("digits.layerThreads");
            Nd4jSetup.applyThreads();
        }
    }

    /**
     * Where the two paths part: oneDNN's ReLU turns NaN into 0 (it computes max(x, 0)) where DL4J's and torch's keep
     * it, so a NaN or infinite pixel poisons DL4J's logits but not the direct path's. Images are bytes / 255 and
     * never hold one; what matters is divergence, which the direct step catches on the weights themselves.
     */
    @org.junit.jupiter.api.Test
    void nonFiniteInputsAreMaskedByOneDnnsReluAndDivergedWeightsStopTheStep() {
        ExperimentSpec spec = spec(SMALL_CNN);
        DigitsNetwork direct = NetworkFactory.build(spec);
        DigitsNetwork dl4j = NetworkFactory.build(spec);
        dl4j.setParams(direct.params().dup());
        dl4j.directStepAllowed(false);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 144);
        x.putScalar(0, 20, Float.NaN);
        x.putScalar(1, 50, Float.POSITIVE_INFINITY);
        float[][] a = direct.logits(x), b = dl4j.logits(x);
        assertThat(b[1]).as("DL4J: an infinite pixel makes NaN logits").containsOnly(Float.NaN);
        for (float[] row : a) {
            for (float v : row) assertThat(Float.isFinite(v)).as("the direct path: finite logits").isTrue();
        }

        direct.params().putScalar(0, Float.NaN); // a weight of the first convolution, behind a ReLU
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> direct.trainStep(Nd4j.rand(DataType.FLOAT, 2, 144),
                        logits -> crossEntropyGradient(logits, new int[] {1, 2}), 0, 0))
                .isInstanceOf(ArithmeticException.class).hasMessage("the weights are no longer finite");
    }

    @org.junit.jupiter.api.Test
    void aBatchTooLargeForMemoryIsRefusedInOneLineBeforeAnythingIsAllocated() {
        // the seed CNN at the largest batch the validator allows: about 17 GiB of activations and gradients
        ExperimentSpec spec = spec("[1, 28, 28]|[{type: conv2d, filters: 32, kernel: 3}, {type: relu}, "
                + "{type: maxpool, size: 2}, {type: conv2d, filters: 64, kernel: 3}, {type: relu}, "
                + "{type: maxpool, size: 2}, {type: flatten}, {type: dense, units: 128}]");
        DigitsNetwork net = NetworkFactory.build(spec);
        INDArray x = Nd4j.zeros(DataType.FLOAT, 65_536, 784);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.logits(x))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("a batch of 65,536 examples needs \\d+\\.\\d GiB of activations and gradients in "
                        + "this network, more than the \\d+\\.\\d GiB allowed \\(org.bytedeco.javacpp.maxphysicalbytes\\); "
                        + "allowed: a smaller training.batchSize");
    }

    static void assertMatchesDl4j(ExperimentSpec spec, int inputs, int batch) {
        DigitsNetwork direct = NetworkFactory.build(spec);
        // the reference runs DL4J's own layers (with libnd4j's native convolution and pooling) and updater
        DigitsNetwork dl4j = NetworkFactory.build(spec);
        dl4j.setParams(direct.params().dup());
        dl4j.directStepAllowed(false);
        assertThat(direct.direct()).as("the direct path covers this network").isNotNull();

        Random random = new Random(7);
        int outputs = spec.heads() * spec.model().output().classes();
        for (int step = 0; step < 4; step++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, inputs);
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) labels[i] = random.nextInt(outputs);
            float[][] before = direct.logits(x);
            float[][] reference = dl4j.logits(x);
            for (int i = 0; i < batch; i++) assertThat(before[i]).containsExactly(reference[i], org.assertj.core.data.Offset.offset(1e-5f));
            for (DigitsNetwork net : new DigitsNetwork[] {direct, dl4j}) {
                Nd4j.getRandom().setSeed(100 + step); // the same dropout masks for both
                net.trainStep(x, logits -> crossEntropyGradient(logits, labels), step, 0);
            }
        }
        assertThat(direct.params().sub(dl4j.params()).amaxNumber().doubleValue()).isLessThan(1e-5);
        assertThat(direct.params().sub(NetworkFactory.build(spec).params()).amaxNumber().doubleValue())
                .as("training moved the weights").isGreaterThan(1e-3);
        INDArray state = direct.getUpdater().getStateViewArray();
        if (state != null) {
            assertThat(state.sub(dl4j.getUpdater().getStateViewArray()).amaxNumber().doubleValue()).isLessThan(1e-5);
        }
    }

    /** d(sum of softmax cross-entropy over the batch)/d(logits), one label per row over all outputs. */
    static float[] crossEntropyGradient(float[][] logits, int[] labels) {
        int k = logits[0].length;
        float[] g = new float[logits.length * k];
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float v : logits[i]) max = Math.max(max, v);
            for (float v : logits[i]) sum += Math.exp(v - max);
            for (int c = 0; c < k; c++) g[i * k + c] = (float) (Math.exp(logits[i][c] - max) / sum - (c == labels[i] ? 1 : 0));
        }
        return g;
    }
}
