package digits.spec;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How the network is trained: mini-batch SGD as torch.optim.SGD defines it.
 *
 * @param weightInit {@code pytorch} (default: weights and biases uniform in +-1/sqrt(fan_in), like
 *                   nn.Linear and nn.Conv2d), {@code xavier} or {@code he} (DL4J's, zero biases)
 * @param generator  where the random numbers come from: {@code torch} (default: PyTorch's CPU generator after
 *                   {@code torch.manual_seed(seed)}, drawn exactly as torch draws the initial weights of
 *                   {@code weightInit: pytorch} and then every dropout mask) or {@code nd4j} (ND4J's generator
 *                   seeded with {@code seed}: the same distributions, other numbers)
 */
@JsonPropertyOrder({"optimizer", "batchSize", "epochs", "seed", "weightInit", "generator"})
public record TrainingSpec(OptimizerSpec optimizer, Integer batchSize, Integer epochs, Long seed, String weightInit,
                           String generator) {

    public static final String INIT_PYTORCH = "pytorch";
    public static final String GENERATOR_TORCH = "torch";
    public static final String GENERATOR_ND4J = "nd4j";

    public TrainingSpec {
        if (weightInit == null) weightInit = INIT_PYTORCH;
        if (seed == null) seed = 12321L;
        if (generator == null) generator = GENERATOR_TORCH;
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
