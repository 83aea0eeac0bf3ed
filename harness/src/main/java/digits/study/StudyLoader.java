package digits.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import digits.io.FirstLine;
import digits.spec.ExperimentSpec;
import digits.spec.SpecCatalog;
import digits.spec.SpecException;
import digits.spec.SpecLoader;
import digits.spec.StudySpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a study file and expands it into the experiment specs to run: variants x seeds. */
public final class StudyLoader {

    static final Pattern VARIANT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,47}");
    public static final String BASE = "base";

    /** A variant with its spec for each seed; {@code overrides} as given, for the report. */
    public record Variant(String name, Map<String, JsonNode> overrides, List<ExperimentSpec> runs) {}

    /** The expanded study: the base first, then every variant. */
    public record Plan(StudySpec spec, Path file, ExperimentSpec base, List<Variant> variants) {}

    private StudyLoader() {}

    public static Plan load(SpecCatalog catalog, String name) {
        Path file = catalog.file(name);
        JsonNode tree = catalog.tree(name);
        ObjectMapper mapper = SpecLoader.mapperFor(file).copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        StudySpec spec;
        try {
            spec = mapper.treeToValue(tree, StudySpec.class);
        } catch (JsonProcessingException e) {
            String field = e instanceof JsonMappingException m ? SpecLoader.path(m) : "";
            String problem = e instanceof UnrecognizedPropertyException u
                    ? "unknown field '" + u.getPropertyName() + "'; allowed: " + known(u)
                    : FirstLine.of(e.getOriginalMessage());
            throw new SpecException(file, SpecLoader.lineOf(file, field), field, problem);
        }
        if (spec.name() == null || !spec.name().equals(name)) {
            throw new SpecException(file, SpecLoader.lineOf(file, "name"), "name", "'" + spec.name()
                    + "' differs from the file name; allowed: '" + name + "'");
        }
        StudySpec.Study s = spec.study();
        if (s.base() == null || !catalog.experiments().contains(s.base())) {
            throw new SpecException(file, SpecLoader.lineOf(file, "study.base"), "study.base", "'" + s.base()
                    + "' is not an experiment; allowed: " + String.join(", ", catalog.experiments()));
        }
        if (s.repeats() < 1 || s.repeats() > 20) {
            throw new SpecException(file, SpecLoader.lineOf(file, "study.repeats"), "study.repeats", s.repeats()
                    + " is out of range; allowed: [1, 20]");
        }
        ObjectNode baseTree = (ObjectNode) catalog.tree(s.base());
        baseTree = applyAll(baseTree, s.overrides(), file, "study.overrides");
        ExperimentSpec base;
        try {
            base = SpecLoader.fromTree(baseTree);
        } catch (SpecException e) {
            throw new SpecException(file, SpecLoader.lineOf(file, "study.overrides"), "study.overrides",
                    e.getMessage().replaceFirst("^<spec>: ", ""));
        }

        List<StudySpec.Variant> all = new ArrayList<>();
        all.add(new StudySpec.Variant(BASE, Map.of()));
        all.addAll(s.variants());
        all.addAll(grid(s.grid()));
        Set<String> names = new HashSet<>();
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            StudySpec.Variant v = all.get(i);
            String at = i == 0 ? "study.base" : i <= s.variants().size() ? "study.variants[" + (i - 1) + "]" : "study.grid";
            if (v.name() == null || !VARIANT_NAME.matcher(v.name()).matches() || !names.add(v.name())) {
                throw new SpecException(file, SpecLoader.lineOf(file, at + ".name"), at + ".name", "'" + v.name()
                        + "' is missing, taken or not a name; allowed: unique lower-case letters, digits, '-', '.', '_'");
            }
            ObjectNode edited = applyAll(baseTree, v.overrides(), file, at + ".overrides");
            List<ExperimentSpec> runs = new ArrayList<>();
            for (int r = 0; r < s.repeats(); r++) {
                ObjectNode run = edited.deepCopy();
                // the notebook's figure gates the base spec's own configuration and seed, not variants and seeds
                if (run.get("acceptance") instanceof ObjectNode acceptance) acceptance.remove("seedTolerance");
                run.set("name", TextNode.valueOf(v.name() + "-s" + (base.training().seed() + r)));
                ((ObjectNode) run.get("training")).set("seed", LongNode.valueOf(base.training().seed() + r));
                try {
                    runs.add(SpecLoader.fromTree(run));
                } catch (SpecException e) {
                    throw new SpecException(file, SpecLoader.lineOf(file, at + ".overrides"), at + ".overrides",
                            "variant '" + v.name() + "': " + e.getMessage().replaceFirst("^<spec>: ", ""));
                }
            }
            variants.add(new Variant(v.name(), v.overrides(), runs));
        }
        return new Plan(spec, file, base, variants);
    }

    private static ObjectNode applyAll(ObjectNode tree, Map<String, JsonNode> overrides, Path file, String at) {
        ObjectNode edited = tree;
        for (Map.Entry<String, JsonNode> o : overrides.entrySet()) {
            try {
                edited = Overrides.apply(edited, o.getKey(), o.getValue());
            } catch (Overrides.PathException e) {
                throw new SpecException(file, SpecLoader.lineOf(file, at), at, e.getMessage());
            }
        }
        return edited;
    }

    /** Every combination of the grid's values, named after them ({@code batchSize=64,learningRate=0.01}). */
    static List<StudySpec.Variant> grid(Map<String, List<JsonNode>> grid) {
        List<StudySpec.Variant> out = new ArrayList<>();
        if (grid == null || grid.isEmpty()) return out;
        List<Map<String, JsonNode>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<JsonNode>> axis : grid.entrySet()) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> c : combos) {
                for (JsonNode value : axis.getValue()) {
                    Map<String, JsonNode> m = new LinkedHashMap<>(c);
                    m.put(axis.getKey(), value);
                    next.add(m);
                }
            }
            combos = next;
        }
        for (Map<String, JsonNode> c : combos) {
            StringBuilder name = new StringBuilder();
            c.forEach((k, v) -> {
                if (!name.isEmpty()) name.append('_');
                String leaf = k.substring(k.lastIndexOf('.') + 1).replaceAll("[^A-Za-z0-9]", "").toLowerCase();
                name.append(leaf).append('-').append(v.asText().toLowerCase().replaceAll("[^a-z0-9.]", ""));
            });
            out.add(new StudySpec.Variant(name.toString(), c));
        }
        return out;
    }

    private static String known(UnrecognizedPropertyException u) {
        List<String> names = new ArrayList<>();
        if (u.getKnownPropertyIds() != null) u.getKnownPropertyIds().forEach(o -> names.add(String.valueOf(o)));
        names.sort(null);
        return String.join(", ", names);
    }
}
