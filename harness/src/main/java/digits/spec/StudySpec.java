package digits.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A study, as written in {@code experiments/NAME.yaml} with a {@code study:} section: a base experiment,
 * variants that each override some of its fields (listed one by one, or as a grid), and how many seeds
 * each variant is trained with.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "description", "study"})
public record StudySpec(String name, String description, Study study) {

    /**
     * @param base      name of the experiment spec the variants start from
     * @param overrides changes applied to the base itself, before any variant (e.g. 128 hidden units)
     * @param repeats   seeds per variant: the base's training seed, then seed+1, seed+2, ...
     * @param variants named sets of overrides ({@code training.batchSize: 64})
     * @param grid     every combination of these values (field path to list of values), added after {@code variants}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"base", "overrides", "repeats", "variants", "grid"})
    public record Study(String base, Map<String, JsonNode> overrides, Integer repeats, List<Variant> variants,
                        Map<String, List<JsonNode>> grid) {
        public Study {
            if (overrides == null) overrides = Map.of();
            if (repeats == null) repeats = 1;
            if (variants == null) variants = List.of();
        }
    }

    /** One variant: a name and the base fields it changes, by dotted path ({@code model.layers[2].type}). */
    @JsonPropertyOrder({"name", "overrides"})
    public record Variant(String name, Map<String, JsonNode> overrides) {
        public Variant {
            if (overrides == null) overrides = Map.of();
        }
    }
}
