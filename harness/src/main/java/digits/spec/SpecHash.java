package digits.spec;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import digits.io.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * SHA-256 of a spec as run, in canonical JSON (fields and map keys sorted): equal specs have equal hashes, whatever
 * file or override produced them. Resume and the studies' reuse of runs compare these.
 */
public final class SpecHash {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();

    private SpecHash() {}

    public static String of(ExperimentSpec spec) {
        try {
            return Sha256.of(CANONICAL.writeValueAsBytes(spec));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
