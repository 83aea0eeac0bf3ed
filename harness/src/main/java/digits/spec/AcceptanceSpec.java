package digits.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What a run must reach to pass: test accuracy (the seed's mean of per-batch accuracies) strictly
 * greater than {@code testAccuracyAbove}, on every head; and, where {@code seedTolerance} is given, within
 * that distance of the notebook's test accuracy ({@code reference.testAccuracy}) on every head, so a change
 * that moves the reproduction away from the notebook fails the build.
 *
 * @param note how the threshold and the tolerance were chosen
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"testAccuracyAbove", "seedTolerance", "note"})
public record AcceptanceSpec(Double testAccuracyAbove, Double seedTolerance, String note) {}
