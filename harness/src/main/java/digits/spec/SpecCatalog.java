package digits.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The specs of one folder ({@code experiments/}), by name. Each file is read and parsed once per catalog, however
 * often it is asked about (is it a study, its spec, its tree); scan again to see edits made since.
 */
public final class SpecCatalog {

    private final Path dir;
    private final Map<String, Path> files;
    private final Map<String, Read> read = new HashMap<>();
    private final Map<String, ExperimentSpec> loaded = new HashMap<>();

    /** A file's text (for line numbers in errors) and its tree. */
    private record Read(String text, JsonNode tree) {}

    private SpecCatalog(Path dir, Map<String, Path> files) {
        this.dir = dir;
        this.files = files;
    }

    /** Indexes {@code *.yaml}, {@code *.yml} and {@code *.json} files; two files with one name are an error. */
    public static SpecCatalog scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SpecException(dir, 0, null, "no such folder of experiment specs; allowed: a folder holding "
                    + "NAME.yaml files (-Ddigits.experimentsDir)");
        }
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                String fn = p.getFileName().toString();
                if (!Files.isRegularFile(p) || !fn.matches(".+\\.(ya?ml|json)$")) continue;
                String name = fn.replaceFirst("\\.(ya?ml|json)$", "");
                Path other = files.putIfAbsent(name, p);
                if (other != null) {
                    throw new SpecException(p, 0, "name", "'" + name + "' is also defined by " + other.getFileName()
                            + "; allowed: one spec file per name");
                }
            }
        } catch (IOException e) {
            throw new SpecException(dir, 0, null, "cannot list the folder: " + e.getMessage());
        }
        return new SpecCatalog(dir, files);
    }

    public Path dir() {
        return dir;
    }

    public List<String> names() {
        return new ArrayList<>(files.keySet());
    }

    public Path file(String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.contains("..")) {
            throw new SpecException(dir, 0, "experiment", "'" + name + "' is not a spec name; allowed: "
                    + String.join(", ", names()));
        }
        Path file = files.get(name);
        if (file == null) {
            throw new SpecException(dir, 0, "experiment", "no spec named '" + name + "'; allowed: "
                    + String.join(", ", names()));
        }
        return file;
    }

    /** The validated experiment spec of {@code name}; a study is refused, naming the experiments there are. */
    public ExperimentSpec load(String name) {
        ExperimentSpec spec = loaded.get(name);
        if (spec != null) return spec;
        Path f = file(name);
        if (isStudy(name)) {
            throw new SpecException(f, SpecLoader.lineOf(f, "study"), "study", "'" + name + "' is a study, not an "
                    + "experiment; allowed here: " + String.join(", ", experiments()));
        }
        Read r = read(name);
        spec = SpecLoader.parse(f, r.text(), r.tree());
        loaded.put(name, spec);
        return spec;
    }

    /** A copy of the file's tree, for callers that edit it before binding (studies). */
    public JsonNode tree(String name) {
        JsonNode tree = read(name).tree();
        return tree == null ? null : tree.deepCopy();
    }

    /** A study file has a top-level {@code study:} section. */
    public boolean isStudy(String name) {
        JsonNode tree = read(name).tree();
        return tree != null && tree.has("study");
    }

    private Read read(String name) {
        Read r = read.get(name);
        if (r == null) {
            Path f = file(name);
            String text = SpecLoader.readText(f);
            r = new Read(text, SpecLoader.tree(f, text));
            read.put(name, r);
        }
        return r;
    }

    /** Names of plain experiments (not studies). */
    public List<String> experiments() {
        return names().stream().filter(n -> !isStudy(n)).toList();
    }

    /** Names of studies. */
    public List<String> studies() {
        return names().stream().filter(this::isStudy).toList();
    }

    /** Expands "all" and comma lists into names, each checked to exist. */
    public List<String> select(String selection) {
        if (selection == null || selection.isBlank()) {
            throw new SpecException(dir, 0, "experiment", "no experiment given; allowed: " + String.join(", ", names())
                    + ", a comma list, or 'all'");
        }
        if (selection.trim().equals("all")) return names();
        List<String> out = new ArrayList<>();
        for (String s : selection.split(",")) {
            String n = s.trim();
            file(n);
            if (!out.contains(n)) out.add(n);
        }
        return out;
    }
}
