package digits.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import digits.io.FirstLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a spec file (YAML, or JSON by extension) into an {@link ExperimentSpec} and validates it,
 * turning every problem into a one-line {@link SpecException} that names the file, the line, the field
 * and what is allowed. Nothing is trained from a spec this class has not accepted.
 */
public final class SpecLoader {

    private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()));
    private static final ObjectMapper JSON = configure(new ObjectMapper());

    private SpecLoader() {}

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Mapper matching the file's format: {@code .json} is JSON, anything else YAML. */
    public static ObjectMapper mapperFor(Path file) {
        return file.getFileName().toString().endsWith(".json") ? JSON : YAML;
    }

    public static ExperimentSpec load(Path file) {
        return parse(file, readText(file));
    }

    /** Parses and validates spec text; {@code file} names it in messages and picks the format. */
    public static ExperimentSpec parse(Path file, String text) {
        return parse(file, text, tree(file, text));
    }

    /**
     * Binds and validates a spec already parsed into {@code tree} from {@code text} (tokenised again only for the
     * line number of an error).
     */
    static ExperimentSpec parse(Path file, String text, JsonNode tree) {
        ObjectMapper mapper = mapperFor(file);
        Lines lines = Lines.of(mapper.getFactory(), file, text);
        if (tree == null || !tree.isObject()) {
            throw new SpecException(file, 1, null, "a spec is a map of fields (name, description, dataset, model, "
                    + "training, acceptance, reference)");
        }
        ExperimentSpec spec;
        try {
            spec = mapper.treeToValue(tree, ExperimentSpec.class);
        } catch (JsonProcessingException e) {
            throw binding(file, lines, e);
        }
        SpecValidator.validate(spec, file, lines);
        return spec;
    }

    /** Reads a spec file's tree, for callers that edit it before binding (studies). */
    public static JsonNode readTree(Path file) {
        return tree(file, readText(file));
    }

    static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new SpecException(file, 0, null, "cannot read the file: " + e.getMessage());
        }
    }

    static JsonNode tree(Path file, String text) {
        try {
            return mapperFor(file).readTree(text);
        } catch (JsonProcessingException e) {
            throw syntax(file, e);
        }
    }

    /** Line of a dotted field path in a spec file (0 when unknown). */
    public static int lineOf(Path file, String field) {
        try {
            return Lines.of(mapperFor(file).getFactory(), file, Files.readString(file)).lineOf(field);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Binds and validates an edited spec tree. Problems come as SpecExceptions without file or line: the
     * caller knows where the edit came from.
     */
    public static ExperimentSpec fromTree(JsonNode tree) {
        Lines none = Lines.of(null, null, null);
        ExperimentSpec spec;
        try {
            spec = JSON.treeToValue(tree, ExperimentSpec.class);
        } catch (JsonProcessingException e) {
            throw binding(null, none, e);
        }
        SpecValidator.validate(spec, null, none);
        return spec;
    }

    private static SpecException syntax(Path file, JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String msg = FirstLine.of(e.getOriginalMessage());
        return new SpecException(file, line, null, "not valid " + (file.toString().endsWith(".json") ? "JSON" : "YAML")
                + ": " + (msg.isEmpty() ? "syntax error" : msg));
    }

    private static SpecException binding(Path file, Lines lines, JsonProcessingException e) {
        String field = e instanceof JsonMappingException m ? path(m) : "";
        int line = lines.lineOf(field);
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).collect(Collectors.toCollection(TreeSet::new)).toString();
            return new SpecException(file, line, field, "unknown field '" + u.getPropertyName() + "'; allowed: "
                    + known.replaceAll("[\\[\\]]", ""));
        }
        if (e instanceof InvalidTypeIdException t) {
            String given = t.getTypeId();
            String problem = given == null ? "a layer needs a 'type'" : "unknown layer type '" + given + "'";
            return new SpecException(file, lines.lineOf(field + ".type"), field + ".type",
                    problem + "; allowed: " + String.join(", ", LayerSpec.TYPES));
        }
        if (e instanceof MismatchedInputException m) {
            String target = m.getTargetType() == null ? "value" : describe(m.getTargetType());
            return new SpecException(file, line, field, "expected " + target);
        }
        String problem = FirstLine.of(e.getOriginalMessage());
        return new SpecException(file, line, field, problem.isEmpty() ? "invalid" : problem);
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a text";
        if (java.util.List.class.isAssignableFrom(type)) return "a list";
        if (type == LayerSpec.class) return "a layer: a map with a 'type' (" + String.join(", ", LayerSpec.TYPES) + ")";
        return "a map of fields (" + type.getSimpleName().replace("Spec", "").toLowerCase() + ")";
    }

    /** Dotted path of a Jackson reference chain: {@code model.layers[3].kernel}. */
    public static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getFieldName());
            }
        }
        return sb.toString();
    }

    /**
     * Line numbers of every field and list element, keyed by dotted path. Indexed on the first question: only an
     * error needs a line number, so a valid spec is tokenised once, by its parse.
     */
    static final class Lines {
        private final JsonFactory factory;
        private final Path file;
        private final String text;
        private Map<String, Integer> byPath;

        private Lines(JsonFactory factory, Path file, String text) {
            this.factory = factory;
            this.file = file;
            this.text = text;
        }

        /** The lines of {@code text}; with null text, none (an edited tree has no file). */
        static Lines of(JsonFactory factory, Path file, String text) {
            return new Lines(factory, file, text);
        }

        private Map<String, Integer> index() {
            if (byPath != null) return byPath;
            byPath = new HashMap<>();
            if (text == null) return byPath;
            try (JsonParser p = factory.createParser(text)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    // first token seen at a path = where that field or list element starts
                    if (t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
                        String pointer = p.getParsingContext().pathAsPointer().toString();
                        byPath.putIfAbsent(dotted(pointer), p.currentTokenLocation().getLineNr());
                    }
                }
            } catch (IOException e) {
                throw syntax(file, e instanceof JsonProcessingException j ? j
                        : new com.fasterxml.jackson.core.JsonParseException(null, e.getMessage()));
            }
            return byPath;
        }

        private static String dotted(String pointer) {
            StringBuilder sb = new StringBuilder();
            for (String part : pointer.split("/")) {
                if (part.isEmpty()) continue;
                if (part.chars().allMatch(Character::isDigit)) {
                    sb.append('[').append(part).append(']');
                } else {
                    if (!sb.isEmpty()) sb.append('.');
                    sb.append(part.replace("~1", "/").replace("~0", "~"));
                }
            }
            return sb.toString();
        }

        /** Line of the field, or of its nearest parent that has one; 0 when none is known. */
        int lineOf(String field) {
            String f = field;
            while (f != null && !f.isEmpty()) {
                Integer line = index().get(f);
                if (line != null) return line;
                int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
                f = cut < 0 ? null : f.substring(0, cut);
            }
            return 0;
        }
    }
}
