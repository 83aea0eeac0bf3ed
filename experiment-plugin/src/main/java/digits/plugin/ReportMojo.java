package digits.plugin;

import digits.report.html.ReportPages;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Regenerates the HTML pages from what is in the reports folder ({@code -Ddigits.reportsDir}): every run's
 * {@code report.html}, every {@code study.html}, and {@code index.html}. Needs no dataset and trains nothing; a
 * report.json that cannot be read is skipped with a warning.
 */
@Mojo(name = "report", aggregator = true, threadSafe = true)
public class ReportMojo extends AbstractDigitsMojo {

    @Override
    protected void run() {
        ReportPages.Summary s = harness().regeneratePages(getLog()::warn);
        getLog().info(String.format("Wrote %d run page(s) and %d study page(s)%s", s.runs(), s.studies(),
                s.skipped().isEmpty() ? "" : "; skipped " + s.skipped().size() + " unreadable file(s)"));
        getLog().info("Open " + s.index().toUri());
    }
}
