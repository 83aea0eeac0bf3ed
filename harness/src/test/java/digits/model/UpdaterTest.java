package digits.model;

import static org.assertj.core.api.Assertions.assertThat;

import digits.spec.TrainingSpec.OptimizerSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/** The update DL4J subtracts from the parameters equals torch.optim.SGD's step, for each setting. */
class UpdaterTest {

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    static final double LR = 0.1;
    static final double MU = 0.9;
    static final double[][] GRADIENTS = {{1, 2, 3}, {1, 1, 1}, {-2, 0.5, 4}};

    /** torch.optim.SGD, momentum without dampening: returns the sequence of parameter deltas. */
    static double[][] torchSteps(boolean momentum, boolean nesterov) {
        double[] buf = new double[3];
        double[][] steps = new double[GRADIENTS.length][3];
        for (int t = 0; t < GRADIENTS.length; t++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADIENTS[t][i];
                if (!momentum) {
                    steps[t][i] = LR * g;
                    continue;
                }
                buf[i] = MU * buf[i] + g;
                steps[t][i] = LR * (nesterov ? g + MU * buf[i] : buf[i]);
            }
        }
        return steps;
    }

    static double[][] dl4jSteps(IUpdater config) {
        long state = config.stateSize(3);
        GradientUpdater<?> u = config.instantiate(state == 0 ? null : Nd4j.zeros(DataType.DOUBLE, 1, state), true);
        double[][] steps = new double[GRADIENTS.length][];
        for (int t = 0; t < GRADIENTS.length; t++) {
            INDArray g = Nd4j.createFromArray(GRADIENTS[t]).reshape(1, 3);
            u.applyUpdater(g, t, 0);
            steps[t] = g.toDoubleVector();
        }
        return steps;
    }

    @Test
    void plainSgd() {
        IUpdater u = NetworkFactory.updater(new OptimizerSpec("sgd", LR, 0.0, false));
        assertThat(u).isInstanceOf(Sgd.class);
        assertSame(dl4jSteps(u), torchSteps(false, false));
    }

    @Test
    void heavyBallMomentumAsTorch() {
        IUpdater u = NetworkFactory.updater(new OptimizerSpec("sgd", LR, MU, false));
        assertThat(u).isInstanceOf(SgdMomentum.class);
        assertSame(dl4jSteps(u), torchSteps(true, false));
    }

    @Test
    void dl4jNesterovsIsTorchNesterov() {
        IUpdater u = NetworkFactory.updater(new OptimizerSpec("sgd", LR, MU, true));
        assertThat(u).isInstanceOf(Nesterovs.class);
        assertSame(dl4jSteps(u), torchSteps(true, true));
    }

    private static void assertSame(double[][] actual, double[][] expected) {
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < 3; i++) {
                assertThat(actual[t][i]).as("step %d, element %d", t, i)
                        .isCloseTo(expected[t][i], org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }
}
