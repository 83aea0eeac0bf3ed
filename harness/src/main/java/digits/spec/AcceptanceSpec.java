package digits.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What a run must reach to pass: test accuracy (the seed's mean of per-batch accuracies) strictly
 * greater than {@code testAccuracyAbove}, on every head; and, where {@code seedTolerance} is given, within
 * that distance of the notebook's test accuracy ({@code reference.testAccuracy}) on every head, so a change
 * that moves the reproduction away from the notebook fails the build. With several heads,
 * {@code testAllHeadsAccuracyAbove}: the fraction of test images with every head right (both digits of a two-digit
 * image), over all test images, strictly greater than this.
 *
 * @param note how the threshold and the tolerance were chosen
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"testAccuracyAbove", "testAllHeadsAccuracyAbove", "seedTolerance", "note"})
public record AcceptanceSpec(Double testAccuracyAbove, Double testAllHeadsAccuracyAbove, Double seedTolerance,
                             String note) {

    /** Per-head threshold and tolerance only. */
    public AcceptanceSpec(Double testAccuracyAbove, Double seedTolerance, String note) {
        this(testAccuracyAbove, null, seedTolerance, note);
    }
}
