package digits.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code field.path[index].leaf: value} overrides to a spec's JSON tree. Every step of the path must
 * exist in the base spec (so a typo is caught here, with the fields that do exist); the leaf may be new, and is
 * then checked like any spec field when the result is parsed.
 */
public final class Overrides {

    private static final Pattern STEP = Pattern.compile("([A-Za-z][A-Za-z0-9]*)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private Overrides() {}

    /** Thrown with the path and what exists at the point where it went wrong. */
    public static final class PathException extends RuntimeException {
        PathException(String message) {
            super(message);
        }
    }

    /** A copy of {@code base} with {@code value} at {@code path}. */
    public static ObjectNode apply(ObjectNode base, String path, JsonNode value) {
        ObjectNode copy = base.deepCopy();
        List<Object> steps = parse(path);
        JsonNode node = copy;
        String at = "";
        for (int i = 0; i < steps.size() - 1; i++) {
            node = step(node, steps.get(i), at, path);
            at = append(at, steps.get(i));
        }
        Object last = steps.get(steps.size() - 1);
        if (last instanceof String field) {
            if (!(node instanceof ObjectNode obj)) throw new PathException("'" + path + "': " + at + " is not a map");
            obj.set(field, value);
        } else {
            int index = (Integer) last;
            if (!(node instanceof ArrayNode arr) || index >= arr.size()) {
                throw new PathException("'" + path + "': " + at + " has no element " + index
                        + (node instanceof ArrayNode a ? " (it has " + a.size() + ")" : ""));
            }
            arr.set(index, value);
        }
        return copy;
    }

    private static JsonNode step(JsonNode node, Object step, String at, String path) {
        if (step instanceof String field) {
            JsonNode next = node.get(field);
            if (next == null || next.isNull()) {
                throw new PathException("'" + path + "': no field '" + field + "'" + (at.isEmpty() ? "" : " in " + at)
                        + "; fields there: " + String.join(", ", fieldNames(node)));
            }
            return next;
        }
        int index = (Integer) step;
        if (!node.isArray() || index >= node.size()) {
            throw new PathException("'" + path + "': " + at + " has no element " + index
                    + (node.isArray() ? " (it has " + node.size() + ")" : ""));
        }
        return node.get(index);
    }

    private static List<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
        return new ArrayList<>(names);
    }

    private static String append(String at, Object step) {
        return step instanceof Integer i ? at + "[" + i + "]" : at.isEmpty() ? (String) step : at + "." + step;
    }

    /** {@code model.layers[2].type} to ["model", "layers", 2, "type"]. */
    static List<Object> parse(String path) {
        List<Object> steps = new ArrayList<>();
        if (path == null || path.isBlank()) throw new PathException("an override needs a field path");
        for (String part : path.split("\\.", -1)) {
            Matcher m = STEP.matcher(part);
            if (!m.matches()) throw new PathException("'" + path + "' is not a field path like training.batchSize "
                    + "or model.layers[2].type");
            steps.add(m.group(1));
            Matcher idx = INDEX.matcher(m.group(2));
            while (idx.find()) steps.add(Integer.parseInt(idx.group(1)));
        }
        return steps;
    }
}
