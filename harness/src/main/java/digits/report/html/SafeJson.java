package digits.report.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/**
 * JSON that can sit inside a {@code <script>} element: the characters that could end the element or start
 * markup ({@code < > &}) and the two line separators old JavaScript parsers choke on become \\uXXXX escapes,
 * which JSON.parse reads back as the same characters.
 */
public final class SafeJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeJson() {}

    public static String of(Object value) {
        try {
            return escape(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escape(String json) {
        StringBuilder sb = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
