package digits.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What a model says about one input: per head, the most probable classes first, and every class's
 * probability; or, for an input that could not be used, the one-line reason.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"input", "heads", "error"})
public record Prediction(String input, List<Head> heads, String error) {

    /** The answer of one softmax head. */
    @JsonPropertyOrder({"top", "probabilities"})
    public record Head(List<Ranked> top, List<Float> probabilities) {
        public int best() {
            return top.get(0).digit();
        }
    }

    /** A class and the probability the model gives it. */
    @JsonPropertyOrder({"digit", "probability"})
    public record Ranked(int digit, float probability) {}

    public static Prediction failed(String input, String error) {
        return new Prediction(input, null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
