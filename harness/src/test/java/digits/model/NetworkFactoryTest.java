package digits.model;

import static org.assertj.core.api.Assertions.assertThat;

import digits.TestData;
import digits.spec.SpecCatalog;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class NetworkFactoryTest {

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    @Test
    void parameterCountsMatchThePyTorchModels() {
        SpecCatalog c = SpecCatalog.scan(TestData.experiments());
        // nn.Linear(784,10)+nn.Linear(10,10) = 7,960; the CNN: 320 + 18,496 + 204,928 + 1,290 = 225,034
        assertThat(NetworkFactory.build(c.load("mlp-baseline")).numParams()).isEqualTo(7_960);
        assertThat(NetworkFactory.build(c.load("mlp-128-leakyrelu")).numParams()).isEqualTo(101_770);
        assertThat(NetworkFactory.build(c.load("cnn")).numParams()).isEqualTo(225_034);
    }

    @Test
    void outputIsOneLogitPerClass() {
        DigitsNetwork net = NetworkFactory.build(SpecCatalog.scan(TestData.experiments()).load("cnn"));
        INDArray out = net.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5, 784), false);
        assertThat(out.shape()).containsExactly(5, 10);
    }

    @Test
    void weightsAndBiasesAreUniformWithinOneOverSqrtFanIn() {
        DigitsNetwork net = NetworkFactory.build(SpecCatalog.scan(TestData.experiments()).load("cnn"));
        for (Layer layer : net.getLayers()) {
            if (layer.numParams() == 0) continue;
            INDArray w = layer.paramTable().get("W");
            INDArray b = layer.paramTable().get("b");
            long fanIn = w.rank() == 4 ? w.size(1) * w.size(2) * w.size(3) : w.size(0);
            double bound = 1 / Math.sqrt(fanIn);
            assertThat(w.amaxNumber().doubleValue()).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
            assertThat(b.amaxNumber().doubleValue()).isLessThanOrEqualTo(bound).isGreaterThan(0);
            // roughly uniform: the mean absolute value of U(-a, a) is a/2
            assertThat(Transforms.abs(w, true).meanNumber().doubleValue()).isCloseTo(bound / 2, org.assertj.core.data.Offset.offset(bound * 0.1));
        }
    }

    @Test
    void sameSeedSameWeights() {
        SpecCatalog c = SpecCatalog.scan(TestData.experiments());
        assertThat(NetworkFactory.build(c.load("cnn")).params())
                .isEqualTo(NetworkFactory.build(c.load("cnn")).params());
    }
}
