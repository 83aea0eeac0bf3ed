package digits.report;

import java.util.List;

/** Mean and sample standard deviation of repeated measurements (a study's seeds). */
public record Stats(double mean, double std, int n) {

    public static Stats of(List<Double> values) {
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new Stats(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n);
    }
}
