package digits.spec;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The network: input shape (channels, height, width), the trunk as an ordered list of layers, and the
 * output: one dense layer of {@code heads * classes} logits, cut into {@code heads} softmax groups
 * (the seed's two-digit models slice a 20-unit layer in two halves exactly like this).
 */
@JsonPropertyOrder({"input", "layers", "output"})
public record ModelSpec(List<Integer> input, List<LayerSpec> layers, OutputSpec output) {

    public ModelSpec {
        if (output == null) output = new OutputSpec(null, null);
    }

    public int channels() {
        return input.get(0);
    }

    public int height() {
        return input.get(1);
    }

    public int width() {
        return input.get(2);
    }

    /** @param heads number of softmax groups; @param classes classes per group */
    @JsonPropertyOrder({"heads", "classes"})
    public record OutputSpec(Integer heads, Integer classes) {
        public OutputSpec {
            if (heads == null) heads = 1;
            if (classes == null) classes = 10;
        }
    }
}
