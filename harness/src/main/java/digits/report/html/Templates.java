package digits.report.html;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The Mustache templates in {@code digits/report/html/}: {@code {{x}}} escapes HTML, so text from specs and
 * reports is shown as text; only the inline assets and the escaped chart JSON use {@code {{{x}}}}.
 */
final class Templates {

    private static final MustacheFactory FACTORY = new DefaultMustacheFactory("digits/report/html");

    private Templates() {}

    /** Renders {@code name.mustache} with the page's view model (and the inline assets) in scope. */
    static String render(String name, Object page) {
        Mustache m = FACTORY.compile(name + ".mustache");
        StringWriter out = new StringWriter();
        try {
            m.execute(out, new Object[] {Assets.INLINE, page}).flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
