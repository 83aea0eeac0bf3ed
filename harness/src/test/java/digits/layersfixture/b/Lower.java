package digits.layersfixture.b;

import digits.layersfixture.a.Upper;

/** The other half: b uses a, which uses b. */
public final class Lower {
    public static int size() {
        return 0;
    }

    public static String name() {
        return Upper.class.getSimpleName();
    }
}
