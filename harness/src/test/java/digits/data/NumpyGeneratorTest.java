package digits.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Against numpy 1.24's {@code np.random.default_rng} (values printed by numpy, Debian bookworm). */
class NumpyGeneratorTest {

    @Test
    void rawOutputsMatchNumpysPcg64() {
        NumpyGenerator g = new NumpyGenerator(12321);
        // default_rng(12321).bit_generator.random_raw(3)
        assertThat(g.nextLong()).isEqualTo(0xbde9ae3559da15d5L);
        assertThat(g.nextLong()).isEqualTo(0x69d357e8720c9536L);
        assertThat(g.nextLong()).isEqualTo(0x5dcad94a93f689e0L);
    }

    @Test
    void seedSequenceMatchesNumpys() {
        // SeedSequence(12321).generate_state(4, np.uint64)
        assertThat(NumpyGenerator.seedSequenceState(new int[] {12321}, 4)).containsExactly(
                0x64cdb471449cf2a6L, 0x1d689e526e0dd66dL, 0x9e4583a9222f9065L, 0x8806a5acdb1ac12aL);
    }

    @Test
    void integersMatchNumpysDrawsIncludingTheRecipesTwoDigitSequence() {
        assertThat(new NumpyGenerator(12321).integers(60000, 8))
                .containsExactly(21059, 44510, 26730, 24802, 34678, 21982, 55322, 1320);
        // the recipe: 40,000 first digits, 40,000 second digits, then 4,000 and 4,000 from the test set
        NumpyGenerator g = new NumpyGenerator(12321);
        int[] top = g.integers(60000, 40000), bottom = g.integers(60000, 40000);
        int[] testTop = g.integers(10000, 4000), testBottom = g.integers(10000, 4000);
        assertThat(new int[] {top[39997], top[39998], top[39999]}).containsExactly(15409, 10798, 27915);
        assertThat(new int[] {bottom[0], bottom[1], bottom[2]}).containsExactly(50982, 19290, 16422);
        assertThat(new int[] {testTop[0], testTop[1], testTop[2]}).containsExactly(1133, 3018, 7982);
        assertThat(new int[] {testBottom[3997], testBottom[3998], testBottom[3999]}).containsExactly(8737, 7650, 440);
    }

    @Test
    void otherSeedsAndBoundsToo() {
        assertThat(new NumpyGenerator((1L << 32) + 5).integers(60000, 4)).containsExactly(7938, 46452, 46693, 28243);
        NumpyGenerator g = new NumpyGenerator(7);
        assertThat(g.integers(10, 6)).containsExactly(9, 6, 6, 8, 5, 7);
        assertThat(g.integers(1, 2)).containsExactly(0, 0);
    }
}
