package digits.spec;

/**
 * What a run must reach to pass: test accuracy (the seed's mean of per-batch accuracies) strictly
 * greater than {@code testAccuracyAbove}, on every head.
 *
 * @param note how the threshold was chosen
 */
public record AcceptanceSpec(Double testAccuracyAbove, String note) {}
