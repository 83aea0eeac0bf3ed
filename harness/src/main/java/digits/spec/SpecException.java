package digits.spec;

import java.nio.file.Path;

/**
 * A spec that cannot be run. The message is one line: {@code file:line: field: problem; allowed: ...}.
 */
public class SpecException extends RuntimeException {

    private final transient Path file;
    private final int line;
    private final String field;

    public SpecException(Path file, int line, String field, String problem) {
        super(format(file, line, field, problem));
        this.file = file;
        this.line = line;
        this.field = field;
    }

    private static String format(Path file, int line, String field, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<spec>" : file.toString());
        if (line > 0) sb.append(':').append(line);
        sb.append(": ");
        if (field != null && !field.isEmpty()) sb.append(field).append(": ");
        sb.append(problem);
        return sb.toString();
    }

    public Path file() {
        return file;
    }

    /** 1-based line in the file, or 0 when the problem has no single place (a missing field). */
    public int line() {
        return line;
    }

    /** Dotted path of the field, e.g. {@code model.layers[2].kernel}. */
    public String field() {
        return field;
    }
}
