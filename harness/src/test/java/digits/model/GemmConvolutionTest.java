package digits.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import digits.TestData;
import digits.spec.ExperimentSpec;
import digits.spec.SpecCatalog;
import digits.spec.SpecLoader;
import digits.train.Trainer;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The im2col + sgemm convolution against DL4J's own layer (oneDNN), on the seed's geometries and on padded,
 * strided and linear ones: same outputs and same training, up to float rounding; and the same bits whatever
 * the number of layer threads.
 */
class GemmConvolutionTest {

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    /** Two conv layers, so the second one's input gradient is checked through the first one's weights. */
    static String spec(int channels, int h, int w, String conv1, String act1, String conv2, String act2) {
        return """
                name: c
                dataset: {name: mnist}
                model:
                  input: [%d, %d, %d]
                  layers:
                    - %s
                %s    - {type: maxpool, size: 2}
                    - %s
                %s    - {type: flatten}
                  output: {heads: 1, classes: 10}
                training:
                  optimizer: {type: sgd, learningRate: 0.05, momentum: 0.9}
                  batchSize: 8
                  epochs: 1
                  weightInit: pytorch
                """.formatted(channels, h, w, conv1, act1 == null ? "" : "    - {type: " + act1 + "}\n", conv2,
                act2 == null ? "" : "    - {type: " + act2 + "}\n");
    }

    @Test
    void theSeedCnnsLayersTrainLikeDl4jsConvolution() {
        for (String name : new String[] {"cnn", "multi-digit-cnn"}) {
            ExperimentSpec spec = SpecCatalog.scan(TestData.experiments()).load(name);
            assertSameTraining(spec, 6);
        }
    }

    @Test
    void paddedStridedAndLinearLayersTrainLikeDl4jsConvolution() {
        assertSameTraining(parse(spec(2, 15, 13, "{type: conv2d, filters: 5, kernel: 3, stride: 2, padding: 1}", "relu",
                "{type: conv2d, filters: 6, kernel: 2, padding: 2}", null)), 4);
        assertSameTraining(parse(spec(1, 20, 17, "{type: conv2d, filters: 4, kernel: 5, padding: 1}", null,
                "{type: conv2d, filters: 3, kernel: 3, stride: 3}", "relu")), 4);
    }

    @Test
    void resultsAreTheSameBitsWithOneOrThreeLayerThreads() {
        ExperimentSpec spec = SpecCatalog.scan(TestData.experiments()).load("cnn");
        INDArray one = withLayerThreads("1", () -> trained(NetworkFactory.build(spec), 3).params());
        INDArray three = withLayerThreads("3", () -> trained(NetworkFactory.build(spec), 3).params());
        assertThat(three).isEqualTo(one);
    }

    @Test
    void aLargeInferenceBatchIsSplitWithoutChangingTheOutputs() {
        DigitsNetwork net = NetworkFactory.build(SpecCatalog.scan(TestData.experiments()).load("cnn"));
        Nd4j.getRandom().setSeed(21);
        INDArray x = Nd4j.rand(DataType.FLOAT, 300, 784); // conv2 patches of 300 images exceed one 16 MiB chunk
        INDArray whole = net.output(x, false);
        INDArray bySample = Nd4j.vstack(net.output(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 150)), false),
                net.output(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(150, 300)), false));
        assertThat(whole.sub(bySample).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void onlyTheLayersItCoversAreSwapped() {
        ExperimentSpec spec = SpecCatalog.scan(TestData.experiments()).load("cnn");
        assertThat(NetworkFactory.build(spec).getLayers()).filteredOn(l -> l instanceof GemmConvolution).hasSize(2);
        System.setProperty("digits.nativeConv", "true");
        try {
            assertThat(NetworkFactory.build(spec).getLayers()).filteredOn(l -> l instanceof ConvolutionLayer)
                    .hasSize(2).noneMatch(l -> l instanceof GemmConvolution);
        } finally {
            System.clearProperty("digits.nativeConv");
        }
    }

    @Test
    void aBadThreadCountIsRefusedInOneLine() {
        assertThatThrownBy(() -> withLayerThreads("zero", LayerThreads::count))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Ddigits.layerThreads=zero: allowed: a whole number of threads");
    }

    @Test
    void aFailingPartFailsTheLayerPass() {
        assertThatThrownBy(() -> withLayerThreads("2", () -> {
            LayerThreads.run(2, t -> {
                if (t == 1) throw new IllegalStateException("part " + t + " failed");
            });
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessage("part 1 failed");
        // and the workers still serve the next pass
        int[] done = new int[2];
        withLayerThreads("2", () -> {
            LayerThreads.run(2, t -> done[t]++);
            return null;
        });
        assertThat(done).containsExactly(1, 1);
    }

    private static ExperimentSpec parse(String yaml) {
        return SpecLoader.parse(Path.of("c.yaml"), yaml);
    }

    /** Trains the spec's network with both convolutions from the same weights and compares them. */
    private static void assertSameTraining(ExperimentSpec spec, int steps) {
        DigitsNetwork gemm = NetworkFactory.build(spec);
        DigitsNetwork dl4j;
        System.setProperty("digits.nativeConv", "true");
        try {
            dl4j = NetworkFactory.build(spec);
        } finally {
            System.clearProperty("digits.nativeConv");
        }
        assertThat(gemm.getLayers()).filteredOn(l -> l instanceof GemmConvolution).hasSize(2);
        assertThat(dl4j.getLayers()).noneMatch(l -> l instanceof GemmConvolution);
        assertThat(gemm.params()).isEqualTo(dl4j.params());

        int features = inputSize(spec);
        INDArray initial = gemm.params().dup();
        Nd4j.getRandom().setSeed(13);
        INDArray probe = Nd4j.rand(DataType.FLOAT, 5, features);
        assertClose(gemm.output(probe, false), dl4j.output(probe, false), 1e-5, spec.name() + " outputs");

        trained(gemm, steps);
        trained(dl4j, steps);
        double scale = dl4j.params().amaxNumber().doubleValue();
        assertClose(gemm.params(), dl4j.params(), 1e-5 * Math.max(1, scale), spec.name() + " weights after training");
        assertThat(gemm.params().sub(initial).amaxNumber().doubleValue()).as("training moved the weights")
                .isGreaterThan(1e-3);
    }

    private static int inputSize(ExperimentSpec spec) {
        return spec.model().channels() * spec.model().height() * spec.model().width();
    }

    /** {@code steps} training steps on fixed random images (labels spread over the classes). */
    private static DigitsNetwork trained(DigitsNetwork net, int steps) {
        int batch = 8, heads = (int) (net.getLayer(net.getnLayers() - 1).getParam("b").length() / 10);
        Nd4j.getRandom().setSeed(17);
        for (int step = 0; step < steps; step++) {
            long inputs = inputs(net);
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, inputs);
            int[][] y = new int[heads][batch];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < batch; i++) y[h][i] = (i * 3 + h + step) % 10;
            }
            Trainer.step(net, x, y, 10, new float[batch * heads * 10], step);
        }
        return net;
    }

    private static long inputs(DigitsNetwork net) {
        var pre = (org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor)
                net.getLayerWiseConfigurations().getInputPreProcess(0);
        return pre.getNumChannels() * pre.getInputHeight() * pre.getInputWidth();
    }

    private static void assertClose(INDArray actual, INDArray expected, double tolerance, String what) {
        assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).as(what).isLessThan(tolerance);
    }

    private static <T> T withLayerThreads(String value, Supplier<T> body) {
        String old = System.getProperty(LayerThreads.PROPERTY);
        System.setProperty(LayerThreads.PROPERTY, value);
        try {
            return body.get();
        } finally {
            if (old == null) System.clearProperty(LayerThreads.PROPERTY);
            else System.setProperty(LayerThreads.PROPERTY, old);
        }
    }
}
