package digits.report.html;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** How pages print figures: fixed decimals, a dash for what a report does not have. */
final class Fmt {

    static final String NONE = "—";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Fmt() {}

    static boolean present(Double v) {
        return v != null && Double.isFinite(v);
    }

    static String num(Double v, int decimals) {
        return present(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : NONE;
    }

    static String acc(Double v) {
        return num(v, 4);
    }

    static String signed(Double v) {
        return present(v) ? String.format(Locale.ROOT, "%+.4f", v) : NONE;
    }

    /** Per-head figures joined with " / " (one figure for one head). */
    static String perHead(List<Double> values) {
        if (values == null || values.isEmpty()) return NONE;
        return values.stream().map(Fmt::acc).collect(Collectors.joining(" / "));
    }

    static Double mean(List<Double> values) {
        if (values == null || values.isEmpty() || values.stream().anyMatch(Objects::isNull)) return null;
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** A sortable key: the number, or empty (sorted last) when there is none. */
    static String key(Double v) {
        return present(v) ? String.valueOf(v) : "";
    }

    /** The date without the zone, for tables whose header says UTC. */
    static String shortDate(String iso) {
        String d = date(iso);
        return d.endsWith(" UTC") ? d.substring(0, d.length() - 4) : d;
    }

    static String date(String iso) {
        if (iso == null) return NONE;
        try {
            return DATE.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    static String duration(Double seconds) {
        if (!present(seconds)) return NONE;
        long s = Math.round(seconds);
        if (s < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
    }

    static String or(Object v) {
        return v == null || String.valueOf(v).isBlank() ? NONE : String.valueOf(v);
    }
}
