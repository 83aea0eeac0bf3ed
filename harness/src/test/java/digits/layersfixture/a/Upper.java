package digits.layersfixture.a;

import digits.layersfixture.b.Lower;

/** Half of a deliberate package cycle, for {@code digits.PackageLayersTest} to prove it catches one. */
public final class Upper {
    public static int size() {
        return Lower.size() + 1;
    }
}
