package digits.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One layer of the trunk. The YAML form is a map with a {@code type} key:
 * {@code {type: conv2d, filters: 32, kernel: 3}}. Hyperparameters mean what they mean in PyTorch.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = LayerSpec.Dense.class, name = "dense"),
        @JsonSubTypes.Type(value = LayerSpec.Conv2d.class, name = "conv2d"),
        @JsonSubTypes.Type(value = LayerSpec.MaxPool.class, name = "maxpool"),
        @JsonSubTypes.Type(value = LayerSpec.Flatten.class, name = "flatten"),
        @JsonSubTypes.Type(value = LayerSpec.Dropout.class, name = "dropout"),
        @JsonSubTypes.Type(value = LayerSpec.Relu.class, name = "relu"),
        @JsonSubTypes.Type(value = LayerSpec.LeakyRelu.class, name = "leakyrelu"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface LayerSpec {

    /** The names accepted in {@code type}, for error messages. */
    List<String> TYPES = List.of("conv2d", "dense", "dropout", "flatten", "leakyrelu", "maxpool", "relu");

    /** Fully connected layer with no activation of its own (nn.Linear). */
    record Dense(Integer units) implements LayerSpec {}

    /** 2-D convolution, no activation of its own (nn.Conv2d): square kernel, stride, zero padding. */
    record Conv2d(Integer filters, Integer kernel, Integer stride, Integer padding) implements LayerSpec {
        public Conv2d {
            if (stride == null) stride = 1;
            if (padding == null) padding = 0;
        }
    }

    /** Max pooling with a square window; stride defaults to the window (nn.MaxPool2d). */
    record MaxPool(Integer size, Integer stride) implements LayerSpec {
        @JsonIgnore
        public int effectiveStride() {
            return stride == null ? size : stride;
        }
    }

    /** Flattens (channels, height, width) into one vector, channel-major like torch's view. */
    record Flatten() implements LayerSpec {}

    /** Inverted dropout; {@code p} is the drop probability, as in nn.Dropout. */
    record Dropout(Double p) implements LayerSpec {}

    record Relu() implements LayerSpec {}

    /** LeakyReLU; {@code slope} for negative inputs (PyTorch default 0.01). */
    record LeakyRelu(Double slope) implements LayerSpec {
        public LeakyRelu {
            if (slope == null) slope = 0.01;
        }
    }
}
