package digits.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import digits.Chromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real headless Chromium, opened from file:// with no network: no console errors, charts drawn,
 * gallery images loaded, index sortable, fitting a laptop screen and showing each experiment's history.
 * Screenshots at laptop and phone width go to target/screenshots/. Without chromium and chromedriver the tests
 * are skipped, saying why; with {@code -Ddigits.browserTests=required} (what CI runs) they fail instead.
 */
class ReportPagesBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target/screenshots").toAbsolutePath();
    @TempDir
    static Path reports;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws IOException {
        driver = Chromium.startOrSkip();
        Fixtures.reportsFolder(reports);
        ReportPages.regenerate(reports, s -> { });
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
    }

    @Test
    void twoDigitRunPageDrawsItsChartsAndShowsTheMistakes() throws IOException {
        open("multi-digit-cnn/20261129-100000/report.html");
        assertChartsDrawn(3);
        List<WebElement> images = driver.findElements(By.cssSelector(".gallery img"));
        assertThat(images).hasSize(6);
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> images.stream()
                .allMatch(img -> Boolean.TRUE.equals(js("return arguments[0].complete", img))));
        for (WebElement img : images) {
            assertThat(((Number) js("return arguments[0].naturalWidth", img)).intValue()).isGreaterThan(0);
        }
        assertThat(driver.findElements(By.cssSelector("table.heat"))).hasSize(2);
        assertThat(driver.findElement(By.cssSelector(".description")).getText()).contains("<script>");
        assertThat(js("return window.pwned === undefined")).isEqualTo(true);
        // hovering shows the values in the legend
        assertThat(driver.findElement(By.cssSelector("#chart-loss .u-legend")).getText()).contains("train (head 1)");
        screenshots("run-two-digit");
    }

    @Test
    void runPageDrawsTheNotebooksCurvesDottedBesideTheRunsAndTabulatesTheDeltas() throws IOException {
        open("cnn/20261129-110000/report.html");
        assertChartsDrawn(3);
        assertThat(legend("loss")).contains("train", "dev", "notebook train", "notebook dev");
        assertThat(legend("accuracy")).contains("train", "dev", "test", "notebook train", "notebook dev");
        // the notebook's lines are really drawn: hiding them (a click on their legend entry) takes ink away
        int all = ink("loss");
        for (WebElement entry : driver.findElements(By.cssSelector("#chart-loss .u-legend tr.u-series th"))) {
            if (entry.getText().startsWith("notebook")) entry.click();
        }
        assertThat(ink("loss")).as("inked pixels without the notebook's curves").isLessThan(all - 200);

        List<WebElement> rows = driver.findElements(By.cssSelector("#epoch-deltas tbody tr"));
        assertThat(rows).hasSize(10);
        // epoch 1 of the fixture: train loss 1.0 (notebook 1.01), train accuracy 0.84 (notebook 0.835)
        List<String> first = rows.get(0).findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertThat(first.subList(0, 8)).containsExactly("1", "", "1.0100", "1.0000", "-0.0100", "0.8350", "0.8400",
                "+0.0050");
        assertThat(rows.get(0).findElements(By.tagName("td")).get(4).getAttribute("class")).contains("good-text");
        screenshots("run-notebook-curves");

        open("multi-digit-cnn/20261129-100000/report.html");
        assertThat(legend("loss")).contains("notebook train (head 1)", "notebook dev (head 2)");
        rows = driver.findElements(By.cssSelector("#epoch-deltas tbody tr"));
        assertThat(rows).hasSize(10); // five epochs, two heads
        assertThat(rows.get(1).getText()).startsWith("1 head 2");
    }

    private static String legend(String chart) {
        return driver.findElement(By.cssSelector("#chart-" + chart + " .u-legend")).getText();
    }

    private static int ink(String chart) {
        WebElement c = driver.findElement(By.cssSelector("#chart-" + chart + " canvas"));
        return ((Number) js(INK, c)).intValue();
    }

    /** Non-transparent pixels of a canvas (read through a copy: repeated reads of the page's own canvas warn). */
    private static final String INK = """
            const c = arguments[0];
            if (!c.width || !c.height) return 0;
            const copy = document.createElement('canvas');
            copy.width = c.width;
            copy.height = c.height;
            const ctx = copy.getContext('2d', {willReadFrequently: true});
            ctx.drawImage(c, 0, 0);
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
            return n;""";

    @Test
    void studyPageDrawsTheBarChartAndLinksEveryRun() throws IOException {
        open("mlp-study/20261129-130000/study.html");
        assertChartsDrawn(1);
        assertThat(driver.findElement(By.cssSelector("tr.selected")).getText()).contains("leakyrelu");
        List<WebElement> links = driver.findElements(By.cssSelector("td.runs a"));
        assertThat(links).hasSize(6);
        links.get(0).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js("return window.digitsReady")));
        assertThat(driver.getCurrentUrl()).endsWith("mlp-study/runs/base-s0/r1/report.html");
        assertNoConsoleErrors();
        driver.navigate().back();
        screenshots("study");
    }

    @Test
    void indexFitsALaptopScreenAndChartsEveryExperimentsHistory() throws IOException {
        open("index.html");
        // 1280 px wide: no sideways scroll, of the page or of the table, and every run id in view
        Number pageOverflow = (Number) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(pageOverflow.intValue()).as("horizontal overflow of the page at 1280 px").isLessThanOrEqualTo(0);
        WebElement table = driver.findElement(By.cssSelector("#index"));
        Number tableOverflow = (Number) js("const s = arguments[0].parentElement; return s.scrollWidth - s.clientWidth",
                table);
        assertThat(tableOverflow.intValue()).as("horizontal scroll of the index table at 1280 px").isLessThanOrEqualTo(0);
        for (WebElement id : driver.findElements(By.cssSelector("#index a.runid-link"))) {
            Number right = (Number) js("return arguments[0].getBoundingClientRect().right", id);
            assertThat(right.doubleValue()).as("right edge of run id %s", id.getText()).isLessThanOrEqualTo(1280);
            assertThat(id.isDisplayed()).isTrue();
        }

        // one history chart per experiment and study, drawn
        assertChartsDrawn(4);
        WebElement cnn = driver.findElement(By.xpath(
                "//figure[contains(@class,'history')][figcaption[starts-with(normalize-space(.),'cnn ')]]"));
        String chartId = cnn.findElement(By.cssSelector(".chart")).getAttribute("id").substring("chart-".length());
        // the cursor on the third run: the legend names its date, commit and run, and its test accuracy
        js("""
                const u = window.digitsCharts[arguments[0]];
                u.setCursor({left: u.valToPos(u.data[0][2], 'x'), top: u.valToPos(u.data[1][2], 'y')});""", chartId);
        String legend = cnn.findElement(By.cssSelector(".u-legend")).getText();
        assertThat(legend).contains("2026-11-28 09:00 UTC · 2222222-dirty · 20261128-090000", "0.9890");
        // the runs behind the chart, newest first, each with its commit and a link to its page
        cnn.findElement(By.tagName("summary")).click();
        List<WebElement> rows = cnn.findElements(By.cssSelector("table.history-runs tbody tr"));
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).getText()).contains("2026-11-29 11:00", "3333333", "20261129-110000", "0.9910");
        assertThat(rows.get(2).getText()).contains("interrupted", "—");
        screenshots("index-history");
    }

    @Test
    void indexSortsByTheClickedColumn() throws IOException {
        open("index.html");
        assertThat(names()).containsExactly("cnn", "mlp-baseline", "mlp-study", "multi-digit-cnn");
        WebElement accuracy = driver.findElement(By.xpath("//table[@id='index']//th[text()='test accuracy']"));
        accuracy.click();
        assertThat(names()).containsExactly("mlp-baseline", "mlp-study", "multi-digit-cnn", "cnn");
        accuracy.click();
        assertThat(names()).containsExactly("cnn", "multi-digit-cnn", "mlp-study", "mlp-baseline");
        assertThat(accuracy.getAttribute("aria-sort")).isEqualTo("descending");
        screenshots("index");
        driver.findElement(By.linkText("cnn")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js("return window.digitsReady")));
        assertChartsDrawn(3);
        screenshots("run-cnn");
    }

    @Test
    void studyPageShowsEachVariantsPValue() throws IOException {
        open("mlp-study/20261129-130000/study.html");
        List<WebElement> rows = driver.findElements(By.cssSelector("#comparison tbody tr"));
        assertThat(rows.get(0).findElements(By.cssSelector("td.p"))).extracting(WebElement::getText)
                .containsExactly("—", "—");
        assertThat(rows.get(2).findElements(By.cssSelector("td.p"))).extracting(WebElement::getText)
                .containsExactly("0.0123", "0.420");
        assertThat(driver.findElement(By.xpath("//table[@id='comparison']/../following-sibling::p")).getText())
                .contains("Welch", "p < 0.05");
    }

    private static void open(String page) {
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.get(reports.resolve(page).toUri().toString());
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js("return window.digitsReady")));
        assertNoConsoleErrors();
    }

    private static void assertNoConsoleErrors() {
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(errors).as("console errors").isEmpty();
    }

    /** Every chart has a canvas of non-zero size with some non-white pixels. */
    private static void assertChartsDrawn(int charts) {
        List<WebElement> canvases = driver.findElements(By.cssSelector(".chart canvas"));
        assertThat(canvases).hasSize(charts);
        for (WebElement c : canvases) {
            Object inked = js(INK, c);
            assertThat(((Number) inked).intValue()).as("drawn pixels").isGreaterThan(100);
        }
    }

    private static List<String> names() {
        return driver.findElements(By.cssSelector("#index tbody tr td:first-child b")).stream()
                .map(WebElement::getText).toList();
    }

    /** At laptop width and at a phone's (390 px); the page must not scroll sideways on the phone. */
    private static void screenshots(String name) throws IOException {
        shoot(name + "-desktop", 1280);
        shoot(name + "-phone", 390);
        Number overflow = (Number) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow.intValue()).as("horizontal overflow at phone width").isLessThanOrEqualTo(0);
        driver.manage().window().setSize(new Dimension(1280, 900));
    }

    private static void shoot(String name, int width) throws IOException {
        driver.manage().window().setSize(new Dimension(width, 900));
        js("window.dispatchEvent(new Event('resize'))");
        try {
            Thread.sleep(300); // the charts resize after a short debounce
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long height = ((Number) js("return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(width, (int) Math.min(height + 120, 6000)));
        Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }
}
