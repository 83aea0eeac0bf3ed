package digits.spec;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How the network is trained: mini-batch SGD as torch.optim.SGD defines it.
 *
 * @param weightInit {@code pytorch} (default: weights and biases uniform in +-1/sqrt(fan_in), like
 *                   nn.Linear and nn.Conv2d), {@code xavier} or {@code he} (DL4J's, zero biases)
 */
@JsonPropertyOrder({"optimizer", "batchSize", "epochs", "seed", "weightInit"})
public record TrainingSpec(OptimizerSpec optimizer, Integer batchSize, Integer epochs, Long seed, String weightInit) {

    public static final String INIT_PYTORCH = "pytorch";

    public TrainingSpec {
        if (weightInit == null) weightInit = INIT_PYTORCH;
        if (seed == null) seed = 12321L;
    }

    /** torch.optim.SGD(lr, momentum, nesterov). */
    @JsonPropertyOrder({"type", "learningRate", "momentum", "nesterov"})
    public record OptimizerSpec(String type, Double learningRate, Double momentum, Boolean nesterov) {
        public OptimizerSpec {
            if (type == null) type = "sgd";
            if (momentum == null) momentum = 0.0;
            if (nesterov == null) nesterov = false;
        }
    }
}
