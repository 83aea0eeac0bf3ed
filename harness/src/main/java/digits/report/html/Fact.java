package digits.report.html;

/** One row of a two-column table (environment, data provenance). */
public record Fact(String name, String value) {

    static Fact of(String name, Object value) {
        return new Fact(name, Fmt.or(value));
    }
}
