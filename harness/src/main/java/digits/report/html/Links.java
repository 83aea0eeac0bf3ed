package digits.report.html;

import java.nio.file.Path;

/** Relative links between pages, so a reports folder can be moved or opened from anywhere. */
final class Links {

    private Links() {}

    /** {@code target} relative to the folder {@code from}, with '/' separators and each segment URL-safe. */
    static String relative(Path from, Path target) {
        Path rel = from.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize());
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) sb.append('/');
            sb.append(encode(part.toString()));
        }
        return sb.toString();
    }

    /** Percent-encodes what a URL path segment cannot hold as is (names are usually plain already). */
    private static String encode(String segment) {
        StringBuilder sb = new StringBuilder();
        for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }
}
