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
        @JsonSubTypes.Type(value = LayerSpec.BatchNorm.class, name = "batchnorm"),
        @JsonSubTypes.Type(value = LayerSpec.AvgPool.class, name = "avgpool"),
        @JsonSubTypes.Type(value = LayerSpec.GlobalAvgPool.class, name = "globalavgpool"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface LayerSpec {

    /** The names accepted in {@code type}, for error messages. */
    List<String> TYPES = List.of("avgpool", "batchnorm", "conv2d", "dense", "dropout", "flatten", "globalavgpool",
            "leakyrelu", "maxpool", "relu");

    /** Fully connected layer with no activation of its own (nn.Linear). */
    record Dense(Integer units) implements LayerSpec {}

    /**
     * 2-D convolution, no activation of its own (nn.Conv2d): square kernel, stride, zero padding. {@code padding} is a
     * number of pixels on every side, or {@code same} (nn.Conv2d's {@code padding='same'}: the output as large as the
     * input; stride 1 only, as in torch; an even kernel pads one pixel more at the bottom and the right, as torch
     * does). Kept as written ({@code Object}) so the validator can name a wrong value, and a number stays a number in
     * the spec as run.
     */
    record Conv2d(Integer filters, Integer kernel, Integer stride, Object padding) implements LayerSpec {
        public static final String SAME = "same";

        public Conv2d {
            if (stride == null) stride = 1;
            if (padding == null) padding = 0;
        }

        @JsonIgnore
        public boolean samePadding() {
            return SAME.equals(padding);
        }

        /** Pixels of zero padding before the first row and column (for {@code same}: (kernel - 1) / 2). */
        @JsonIgnore
        public int paddingBefore() {
            return samePadding() ? (kernel - 1) / 2 : (Integer) padding;
        }

        /** Pixels after the last row and column (for {@code same} with an even kernel, one more than before). */
        @JsonIgnore
        public int paddingAfter() {
            return samePadding() ? kernel - 1 - paddingBefore() : (Integer) padding;
        }
    }

    /** Max pooling with a square window; stride defaults to the window (nn.MaxPool2d). */
    record MaxPool(Integer size, Integer stride) implements LayerSpec {
        @JsonIgnore
        public int effectiveStride() {
            return stride == null ? size : stride;
        }
    }

    /**
     * Average pooling with a square window and no padding (nn.AvgPool2d); stride defaults to the window. Without
     * padding torch's {@code count_include_pad} makes no difference: every window averages size x size pixels.
     */
    record AvgPool(Integer size, Integer stride) implements LayerSpec {
        @JsonIgnore
        public int effectiveStride() {
            return stride == null ? size : stride;
        }
    }

    /**
     * The mean of each channel over the whole image (nn.AdaptiveAvgPool2d(1)): channels x 1 x 1, flattened after
     * like any image.
     */
    record GlobalAvgPool() implements LayerSpec {}

    /**
     * Batch normalization (nn.BatchNorm1d after a flat layer, nn.BatchNorm2d on images, per channel), with a learned
     * scale and shift, torch's defaults {@code momentum} 0.1 and {@code eps} 1e-5: in training each batch is
     * normalised by its own mean and (biased) variance, and the running mean and the running (unbiased) variance move
     * {@code momentum} of the way towards the batch's; in evaluation the running statistics are used.
     */
    record BatchNorm(Double momentum, Double eps) implements LayerSpec {
        public BatchNorm {
            if (momentum == null) momentum = 0.1;
            if (eps == null) eps = 1e-5;
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
