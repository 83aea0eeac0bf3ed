package digits.study;

import java.util.List;

/** Mean and sample standard deviation of repeated measurements. */
public record Stats(double mean, double std, int n) {

    public static Stats of(List<Double> values) {
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new Stats(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n);
    }

    /**
     * Whether {@code this} differs from {@code base} by more than the seed-to-seed spread: the difference of
     * the means exceeds twice its standard error, sqrt(s1^2/n1 + s2^2/n2). With one seed there is no spread
     * to compare with, and the answer is false.
     */
    public boolean differsBeyondSpread(Stats base) {
        if (n < 2 || base.n < 2) return false;
        double se = Math.sqrt(std * std / n + base.std * base.std / base.n);
        return Math.abs(mean - base.mean) > 2 * se;
    }
}
