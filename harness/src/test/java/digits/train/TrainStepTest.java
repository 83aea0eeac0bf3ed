package digits.train;

import static org.assertj.core.api.Assertions.assertThat;

import digits.model.DigitsNetwork;
import digits.model.NativeConvHelpers;
import digits.model.Nd4jSetup;
import digits.model.NetworkFactory;
import digits.spec.ExperimentSpec;
import digits.spec.SpecLoader;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The harness's training step (logits out, softmax cross-entropy computed by the loop, gradient back in)
 * against DL4J's stock {@code fit()} with a softmax/MCXENT output layer, from identical weights.
 */
class TrainStepTest {

    static final String CNN = """
            name: s
            dataset: {name: mnist}
            model:
              input: [1, 12, 12]
              layers:
                - {type: conv2d, filters: 4, kernel: 3}
                - {type: relu}
                - {type: maxpool, size: 2}
                - {type: flatten}
                - {type: dense, units: 16}
                - {type: leakyrelu}
            training:
              optimizer: {type: sgd, learningRate: 0.05, momentum: 0.9, nesterov: true}
              batchSize: 8
              epochs: 1
            """;

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    @Test
    void oneStepEqualsDl4jFitWithASoftmaxOutputLayer() {
        ExperimentSpec spec = SpecLoader.parse(Path.of("s.yaml"), CNN);
        DigitsNetwork ours = NetworkFactory.build(spec);

        // the same network, ending in DL4J's softmax + multi-class cross-entropy output layer
        MultiLayerConfiguration conf = ours.getLayerWiseConfigurations().clone();
        var last = (org.deeplearning4j.nn.conf.layers.DenseLayer) conf.getConf(conf.getConfs().size() - 1).getLayer();
        conf.getConf(conf.getConfs().size() - 1).setLayer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(last.getNIn()).nOut(last.getNOut()).activation(Activation.SOFTMAX)
                .updater(last.getIUpdater()).build());
        MultiLayerNetwork reference = new MultiLayerNetwork(conf);
        reference.init(ours.params().dup(), true);
        NativeConvHelpers.install(reference);

        Nd4j.getRandom().setSeed(3);
        for (int step = 0; step < 3; step++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 8, 144);
            int[] labels = {0, 1, 2, 3, 4, 5, 6, step};
            INDArray onehot = Nd4j.zeros(DataType.FLOAT, 8, 10);
            for (int i = 0; i < 8; i++) onehot.putScalar(i, labels[i], 1);
            float[] gradient = new float[80];
            ours.trainStep(x, logits -> {
                SoftmaxHeads.evaluate(logits, new int[][] {labels}, 10, gradient);
                return gradient;
            }, step, 0);
            reference.fit(new DataSet(x, onehot));
        }
        INDArray diff = ours.params().sub(reference.params());
        assertThat(diff.amaxNumber().doubleValue()).isLessThan(1e-5);
        assertThat(ours.params().amaxNumber().doubleValue()).isGreaterThan(0.01);
    }
}
