package digits.study;

import java.util.List;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Whether a variant's seeds differ from the base's beyond chance: Welch's two-sided t-test (unequal variances,
 * Welch-Satterthwaite degrees of freedom), as commons-math3 computes it.
 */
final class Significance {

    private static final TTest WELCH = new TTest();

    private Significance() {}

    /**
     * The p-value of Welch's test of {@code variant} against {@code base}; null where it is undefined: fewer than
     * two seeds on a side (no spread to compare with).
     */
    static Double pValue(List<Double> variant, List<Double> base) {
        if (variant.size() < 2 || base.size() < 2) return null;
        double[] a = variant.stream().mapToDouble(Double::doubleValue).toArray();
        double[] b = base.stream().mapToDouble(Double::doubleValue).toArray();
        if (constant(a) && constant(b)) {
            // both spreads zero: t is 0/0 or infinite and the library answers NaN; the means alone decide
            return a[0] == b[0] ? 1.0 : 0.0;
        }
        return WELCH.tTest(a, b);
    }

    private static boolean constant(double[] v) {
        for (double x : v) if (x != v[0]) return false;
        return true;
    }
}
