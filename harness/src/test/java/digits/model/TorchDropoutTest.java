package digits.model;

import static org.assertj.core.api.Assertions.assertThat;

import digits.TestData;
import digits.spec.ExperimentSpec;
import digits.spec.SpecCatalog;
import digits.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dropout masks as Debian's PyTorch 1.13 (no MKL) draws them. The expected figures were printed by that torch on
 * {@code nn.Dropout(p).train()(torch.ones(shape))} after {@code torch.manual_seed(seed)}: the number of kept
 * elements, the first elements' keep pattern in row-major order, and the multiplier's float32 bits.
 */
class TorchDropoutTest {

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    static String pattern(float[] mask, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(mask[i] != 0 ? '1' : '0');
        return sb.toString();
    }

    static int kept(float[] mask) {
        int k = 0;
        for (float m : mask) if (m != 0) k++;
        return k;
    }

    static TreeSet<String> values(float[] mask) {
        TreeSet<String> out = new TreeSet<>();
        for (float m : mask) out.add(String.format("%08x", Float.floatToRawIntBits(m)));
        return out;
    }

    @Test
    void halfDropoutOnAFreshGeneratorAndTheMaskAfterIt() {
        TorchDropout d = TorchDropout.ofDropProbability(new TorchGenerator(12321), 0.5);
        float[] mask = new float[32 * 128];
        d.draw(mask);
        assertThat(kept(mask)).isEqualTo(2029);
        assertThat(pattern(mask, 64)).isEqualTo("1101100110110100100110101101110001010101000001001011111011011100");
        assertThat(values(mask)).containsExactly("00000000", "40000000"); // 0 and 2.0f
        d.draw(mask); // the next training pass: the stream goes on
        assertThat(kept(mask)).isEqualTo(2024);
        assertThat(pattern(mask, 64)).isEqualTo("0001001111111100011110110101100101101111011000100111110000011110");
    }

    @Test
    void otherProbabilitiesScaleByTheFloat32Reciprocal() {
        float[] mask = new float[5 * 7];
        TorchDropout.ofDropProbability(new TorchGenerator(7), 0.3).draw(mask);
        assertThat(kept(mask)).isEqualTo(19);
        assertThat(pattern(mask, 35)).isEqualTo("11010011001111101010001100001011101");
        assertThat(values(mask)).containsExactly("00000000", "3fb6db6e"); // 1.0f / 0.7f
    }

    @Test
    void dropProbabilityZeroDrawsNothing() {
        TorchGenerator g = new TorchGenerator(7);
        float[] mask = new float[35];
        TorchDropout.ofDropProbability(g, 0).draw(mask);
        assertThat(values(mask)).containsExactly("3f800000");
        float[] next = new float[1];
        g.uniform(next, 0, 1);
        assertThat(Float.floatToRawIntBits(next[0])).isEqualTo(0x3f08f0af); // torch's first uniform_(0, 1) for seed 7
    }

    @Test
    void theCnnsFirstMaskContinuesWhereItsInitialisationStopped() {
        SpecCatalog catalog = SpecCatalog.scan(TestData.experiments());
        TorchGenerator cnn = NetworkFactory.build(catalog.load("cnn")).torchGenerator();
        float[] mask = new float[32 * 128];
        new TorchDropout(cnn, 0.5).draw(mask);
        assertThat(kept(mask)).isEqualTo(2025);
        assertThat(pattern(mask, 64)).isEqualTo("0110110011100111000001101100010110110100101010110011100000010110");
        float[] next = new float[1];
        cnn.uniform(next, 0, 1);
        assertThat(Float.floatToRawIntBits(next[0])).isEqualTo(0x3f260e3c);

        TorchGenerator twoDigit = NetworkFactory.build(catalog.load("multi-digit-cnn")).torchGenerator();
        mask = new float[64 * 128];
        new TorchDropout(twoDigit, 0.5).draw(mask);
        assertThat(kept(mask)).isEqualTo(4124);
        assertThat(pattern(mask, 64)).isEqualTo("1100001101101010100101000010100110111011101010011100101111001000");
    }

    static final String SMALL = """
            name: s
            dataset: {name: mnist}
            model:
              input: [1, 4, 4]
              layers:
                - {type: flatten}
                - {type: dense, units: 12}
                - {type: dropout, p: 0.5}
            training:
              optimizer: {type: sgd, learningRate: 0.5}
              batchSize: 1
              epochs: 1
              seed: 5
            """;

    @Test
    void theNetworksDropoutLayerAppliesOneMaskPerTrainingPassForwardAndBackwardAndNoneInEvaluation() {
        ExperimentSpec spec = SpecLoader.parse(Path.of("s.yaml"), SMALL);
        DigitsNetwork net = NetworkFactory.build(spec);
        assertThat(net.getLayer(1)).isInstanceOf(TorchDropoutLayer.class);
        TorchGenerator shadow = new TorchGenerator(0);
        shadow.restore(net.torchGenerator().state());
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 16).addi(0.1);

        // evaluation draws nothing
        net.output(x, false);
        assertThat(net.torchGenerator().state()).isEqualTo(shadow.state());

        // a training pass: the dense output times the mask the shadow generator draws
        List<INDArray> acts = net.feedForward(x, true);
        float[] mask = new float[12];
        new TorchDropout(shadow, 0.5).draw(mask);
        assertThat(net.torchGenerator().state()).isEqualTo(shadow.state());
        float[] dense = acts.get(1).dup('c').data().asFloat(), dropped = acts.get(2).dup('c').data().asFloat();
        for (int j = 0; j < 12; j++) assertThat(dropped[j]).isEqualTo(dense[j] * mask[j]);
        assertThat(kept(mask)).isBetween(1, 11);

        // a training step: dropped hidden units pass no gradient, so their weights do not move
        Layer hidden = net.getLayer(0), out = net.getLayer(2);
        INDArray w1 = hidden.paramTable().get("W").dup(), w2 = out.paramTable().get("W").dup();
        float[] gradient = new float[10];
        net.trainStep(x, logits -> {
            for (int c = 0; c < 10; c++) gradient[c] = c == 3 ? -0.9f : 0.1f;
            return gradient;
        }, 0, 0);
        new TorchDropout(shadow, 0.5).draw(mask); // the step's own mask
        assertThat(net.torchGenerator().state()).isEqualTo(shadow.state());
        INDArray d1 = hidden.paramTable().get("W").sub(w1), d2 = out.paramTable().get("W").sub(w2);
        for (int j = 0; j < 12; j++) {
            double moved1 = d1.getColumn(j).amaxNumber().doubleValue(), moved2 = d2.getRow(j).amaxNumber().doubleValue();
            if (mask[j] == 0) {
                assertThat(moved1).as("hidden unit %d dropped: its input weights", j).isZero();
                assertThat(moved2).as("hidden unit %d dropped: its output weights", j).isZero();
            } else if (dense[j] != 0) {
                assertThat(moved2).as("hidden unit %d kept: its output weights", j).isPositive();
            }
        }
    }
}
