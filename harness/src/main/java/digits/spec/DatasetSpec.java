package digits.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Where the images come from and how they are split, following the seed's protocol: the last
 * {@code devFraction} of the training images (canonical order) is the dev set, the rest is shuffled
 * with numpy's legacy generator seeded with {@code shuffleSeed}.
 *
 * @param name        {@code mnist} (fetched and verified on first use) or {@code idx} (the four paths below)
 * @param trainImages IDX image file, relative to the data folder (only with {@code idx})
 * @param trainLabels IDX label file, relative to the data folder (only with {@code idx})
 * @param testImages  IDX image file, relative to the data folder (only with {@code idx})
 * @param testLabels  IDX label file, relative to the data folder (only with {@code idx})
 * @param devFraction fraction of the training images kept for the dev set (seed: 0.1)
 * @param shuffleSeed numpy seed of the training-set permutation (seed: 12321)
 * @param trainLimit  use only the first N training images (smoke runs, tests); null = all
 * @param testLimit   use only the first N test images; null = all
 * @param multiDigit  how {@code multi-digit-mnist} images are composed (defaults: the seed's sizes)
 * @param pixelDivisor what each pixel byte is divided by: 255 (default) gives [0, 1]; 256 gives what the
 *                    notebook's {@code mnist.pkl.gz} holds (k/256, in [0, 0.996])
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "trainImages", "trainLabels", "testImages", "testLabels", "devFraction", "shuffleSeed",
        "trainLimit", "testLimit", "multiDigit", "pixelDivisor"})
public record DatasetSpec(
        String name,
        String trainImages,
        String trainLabels,
        String testImages,
        String testLabels,
        Double devFraction,
        Long shuffleSeed,
        Integer trainLimit,
        Integer testLimit,
        MultiDigitSpec multiDigit,
        Integer pixelDivisor) {

    public static final String MNIST = "mnist";
    public static final String IDX = "idx";
    public static final String MULTI_DIGIT = "multi-digit-mnist";

    public DatasetSpec {
        if (devFraction == null) devFraction = 0.1;
        if (shuffleSeed == null) shuffleSeed = 12321L;
        if (multiDigit == null && MULTI_DIGIT.equals(name)) multiDigit = new MultiDigitSpec(null, null, null, null);
        if (pixelDivisor == null) pixelDivisor = 255;
    }

    /** Without {@code pixelDivisor}: 255. */
    public DatasetSpec(String name, String trainImages, String trainLabels, String testImages, String testLabels,
                       Double devFraction, Long shuffleSeed, Integer trainLimit, Integer testLimit,
                       MultiDigitSpec multiDigit) {
        this(name, trainImages, trainLabels, testImages, testLabels, devFraction, shuffleSeed, trainLimit, testLimit,
                multiDigit, null);
    }

    /**
     * Two MNIST digits in one image: the first in the top rows, the second {@code 28 - overlap} rows lower,
     * merged by pixel-wise maximum; {@code trainCount} images drawn from MNIST's training images and
     * {@code testCount} from its test images, with a generator seeded by {@code seed}.
     */
    @JsonPropertyOrder({"trainCount", "testCount", "overlap", "seed"})
    public record MultiDigitSpec(Integer trainCount, Integer testCount, Integer overlap, Long seed) {
        public MultiDigitSpec {
            if (trainCount == null) trainCount = 40000;
            if (testCount == null) testCount = 4000;
            if (overlap == null) overlap = 14;
            if (seed == null) seed = 12321L;
        }

        /** Image height: two 28-row digits sharing {@code overlap} rows. */
        public int rows() {
            return 56 - overlap;
        }
    }
}
