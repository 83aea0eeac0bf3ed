package digits.spec;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The figures the seed notebook printed for this experiment, one value per head (a plain number is
 * accepted for one head). Every report shows the reproduced figure next to these, with the delta.
 *
 * @param epochs what the notebook printed after each epoch (train and validation loss and accuracy), drawn
 *               beside the reproduced curves on the run page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"source", "testAccuracy", "testLoss", "devAccuracy", "trainAccuracy", "epochs"})
public record ReferenceSpec(
        String source,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> testAccuracy,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> testLoss,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> devAccuracy,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> trainAccuracy,
        List<Epoch> epochs) {

    /** The notebook's {@code ReferenceSpec} without per-epoch figures. */
    public ReferenceSpec(String source, List<Double> testAccuracy, List<Double> testLoss, List<Double> devAccuracy,
                         List<Double> trainAccuracy) {
        this(source, testAccuracy, testLoss, devAccuracy, trainAccuracy, null);
    }

    /** One epoch as the notebook prints it ("Train loss ... | Val loss ..."), one value per head. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"epoch", "trainLoss", "trainAccuracy", "devLoss", "devAccuracy"})
    public record Epoch(
            Integer epoch,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> trainLoss,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> trainAccuracy,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> devLoss,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> devAccuracy) {}
}
