package digits.report.html;

/** A coloured label: the text, and the CSS class that colours it ({@code good}, {@code bad}, {@code neutral}). */
public record Badge(String text, String css) {

    static Badge status(Object status) {
        String s = Fmt.or(status);
        return new Badge(s, switch (s) {
            case "completed" -> "good";
            case "failed", "diverged" -> "bad";
            case "interrupted", "running" -> "warn";
            default -> "neutral";
        });
    }

    static Badge verdict(Boolean passed) {
        return passed == null ? new Badge("no verdict", "neutral")
                : passed ? new Badge("PASS", "good") : new Badge("FAIL", "bad");
    }
}
