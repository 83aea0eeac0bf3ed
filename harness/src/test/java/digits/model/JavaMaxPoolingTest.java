package digits.model;

import static org.assertj.core.api.Assertions.assertThat;

import digits.TestData;
import digits.spec.ExperimentSpec;
import digits.spec.SpecCatalog;
import digits.train.Trainer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The Java max pooling against libnd4j's maxpool2d/maxpool2d_bp, on the seed CNN: identical, bit for bit. */
class JavaMaxPoolingTest {

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    @Test
    void trainingTheSeedCnnGivesBitIdenticalWeightsWithEitherPooling() {
        ExperimentSpec spec = SpecCatalog.scan(TestData.experiments()).load("cnn");
        DigitsNetwork java = NetworkFactory.build(spec);
        System.setProperty("digits.nativePooling", "true");
        DigitsNetwork nativeOps;
        try {
            nativeOps = NetworkFactory.build(spec);
        } finally {
            System.clearProperty("digits.nativePooling");
        }
        assertThat(java.getLayers()).filteredOn(l -> l instanceof JavaMaxPooling).hasSize(2);
        assertThat(nativeOps.getLayers()).filteredOn(l -> l instanceof SubsamplingLayer)
                .noneMatch(l -> l instanceof JavaMaxPooling);
        assertThat(java.params()).isEqualTo(nativeOps.params());

        Nd4j.getRandom().setSeed(11);
        INDArray[] x = new INDArray[4];
        int[][][] y = new int[4][1][32];
        for (int b = 0; b < x.length; b++) {
            // whole-valued pixels make ties inside pooling windows common, so the tie rule is exercised
            x[b] = Nd4j.rand(DataType.FLOAT, 32, 784).muli(4).castTo(DataType.INT).castTo(DataType.FLOAT).divi(4);
            for (int i = 0; i < 32; i++) y[b][0][i] = (b * 7 + i) % 10;
        }
        for (DigitsNetwork net : new DigitsNetwork[] {java, nativeOps}) {
            Nd4j.getRandom().setSeed(5); // the same dropout masks for both
            for (int b = 0; b < x.length; b++) Trainer.step(net, x[b], y[b], 10, new float[320], b);
        }
        assertThat(java.params()).isEqualTo(nativeOps.params());
        assertThat(java.output(x[0], false)).isEqualTo(nativeOps.output(x[0], false));
    }
}
