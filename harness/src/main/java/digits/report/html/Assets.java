package digits.report.html;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The CSS and JavaScript every page carries inline (uPlot from its webjar, then this package's own), so a page
 * opened from disk needs no network.
 */
public record Assets(String css, String js) {

    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
    private static final String OWN = "digits/report/html/";

    /** Read once: the same few kilobytes go into every page. */
    public static final Assets INLINE = load();

    private static Assets load() {
        String dist = WEBJAR + uplotVersion() + "/dist/";
        String css = resource(dist + "uPlot.min.css") + "\n" + resource(OWN + "report.css");
        String js = resource(dist + "uPlot.iife.min.js") + "\n" + resource(OWN + "report.js");
        // inside <style>/<script> only the closing tag can end the element early
        return new Assets(css.replace("</style", "<\\/style"), js.replace("</script", "<\\/script"));
    }

    private static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = open("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    static String resource(String path) {
        try (InputStream in = open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(String path) throws IOException {
        InputStream in = Assets.class.getClassLoader().getResourceAsStream(path);
        if (in == null) throw new IOException("not on the classpath: " + path);
        return in;
    }
}
