package digits.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Expected values printed by numpy 2.4: np.random.seed(12321); np.random.permutation(54000). */
class NumpyRandomTest {

    @Test
    void permutationMatchesNumpyLegacySeed12321() {
        int[] p = new NumpyRandom(12321).permutation(54000);
        assertThat(Arrays.copyOf(p, 10)).containsExactly(45367, 21923, 48303, 7999, 23276, 46622, 14331, 5168, 15329,
                14298);
        assertThat(Arrays.copyOfRange(p, 53995, 54000)).containsExactly(17934, 33795, 37292, 23591, 53473);
    }

    @Test
    void shuffleMatchesNumpyOnASmallArray() {
        int[] a = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        new NumpyRandom(12321).shuffle(a);
        assertThat(a).containsExactly(2, 6, 0, 9, 8, 3, 5, 4, 7, 1);
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = new NumpyRandom(7).permutation(1000);
        assertThat(Arrays.stream(p).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, 1000).toArray());
    }
}
