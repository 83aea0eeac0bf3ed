package digits.serve;

import static org.assertj.core.api.Assertions.assertThat;

import digits.Chromium;
import digits.TestData;
import digits.data.Idx;
import digits.data.Mnist;
import digits.predict.SmallModels;
import digits.predict.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.Sequence;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The drawing page in a real headless Chromium against the real server on 127.0.0.1: strokes drawn with a mouse
 * and with a finger (pointer events) are read by a model trained here, the answer shown is checked, at laptop
 * and phone size. Skipped (with the reason) where no chromium and chromedriver are installed.
 */
class DrawServerBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target/screenshots").toAbsolutePath();
    private static ChromeDriver driver;
    private static DrawServer server;
    private static DrawServer twoDigitServer;
    private static Idx.Images digits;
    private static byte[] labels;

    @BeforeAll
    static void start() throws IOException {
        driver = Chromium.startOrSkip(); // first: skipped without a browser, before any training
        server = DrawServer.start(TrainedModel.open(SmallModels.cnn(), "cnn", Path.of(".")), "127.0.0.1", 0);
        twoDigitServer = DrawServer.start(TrainedModel.open(SmallModels.multiDigit(), "multi-digit-cnn", Path.of(".")),
                "127.0.0.1", 0);
        digits = Idx.readImages(TestData.mnist().file(Mnist.TEST_IMAGES));
        labels = Idx.readLabels(TestData.mnist().file(Mnist.TEST_LABELS), 10);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
        if (twoDigitServer != null) twoDigitServer.close();
    }

    /** A stroke: points as fractions of the pad's width and height. */
    private record Stroke(List<double[]> points) {
        /** The straight line from a to b in {@code steps} moves. */
        static Stroke line(double x0, double y0, double x1, double y1, int steps) {
            List<double[]> p = new ArrayList<>();
            for (int i = 0; i <= steps; i++) p.add(new double[] {x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps});
            return new Stroke(p);
        }
    }

    private static final Stroke ONE = Stroke.line(0.52, 0.14, 0.48, 0.86, 12);

    private static Stroke zero() {
        List<double[]> p = new ArrayList<>();
        for (int i = 0; i <= 36; i++) {
            double a = 2 * Math.PI * i / 36;
            p.add(new double[] {0.5 + 0.2 * Math.sin(a), 0.5 - 0.32 * Math.cos(a)});
        }
        return new Stroke(p);
    }

    /** MNIST test digit {@code i} traced row by row: one stroke along each run of ink, within the given band. */
    private static List<Stroke> traced(int i, double top, double height) {
        List<Stroke> strokes = new ArrayList<>();
        for (int r = 0; r < 28; r++) {
            int c = 0;
            while (c < 28) {
                if ((digits.pixels()[i * 784 + r * 28 + c] & 0xff) < 128) {
                    c++;
                    continue;
                }
                int start = c;
                while (c < 28 && (digits.pixels()[i * 784 + r * 28 + c] & 0xff) >= 128) c++;
                double y = top + height * (r + 0.5) / 28;
                strokes.add(Stroke.line((start + 0.5) / 28, y, (c - 0.5) / 28, y, 1));
            }
        }
        return strokes;
    }

    private static void open(DrawServer s, int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        driver.get(s.url().toString());
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js("return window.digitsReady")));
    }

    /** Draws the strokes with a mouse or a finger, waits for the answer to the last of them, and returns it. */
    private static String draw(PointerInput.Kind kind, List<Stroke> strokes) {
        WebElement pad = driver.findElement(By.id("pad"));
        int w = pad.getRect().getWidth(), h = pad.getRect().getHeight();
        PointerInput pen = new PointerInput(kind, kind == PointerInput.Kind.TOUCH ? "finger" : "mouse");
        Sequence s = new Sequence(pen, 0);
        for (Stroke stroke : strokes) {
            for (int i = 0; i < stroke.points().size(); i++) {
                double[] p = stroke.points().get(i);
                // offsets from the pad's centre, in CSS pixels
                s.addAction(pen.createPointerMove(Duration.ofMillis(i == 0 ? 0 : 8), PointerInput.Origin.fromElement(pad),
                        (int) Math.round((p[0] - 0.5) * (w - 4)), (int) Math.round((p[1] - 0.5) * (h - 4))));
                if (i == 0) s.addAction(pen.createPointerDown(PointerInput.MouseButton.LEFT.asArg()));
            }
            s.addAction(pen.createPointerUp(PointerInput.MouseButton.LEFT.asArg()));
        }
        driver.perform(List.of(s));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(js(
                "const s = window.digitsState; return !s.busy && !s.dirty && s.answer !== ''")));
        assertNoConsoleErrors();
        return driver.findElement(By.id("answer")).getText();
    }

    private static void clear() {
        driver.findElement(By.id("clear")).click();
        assertThat(driver.findElement(By.id("answer")).getText()).isEmpty();
        assertThat(js("return window.digitsState.inked")).isEqualTo(false);
    }

    @Test
    void aDigitDrawnWithTheMouseIsReadAndTheBarsShowItsProbabilities() throws IOException {
        open(server, 1280, 900);
        assertThat(driver.findElement(By.id("meta")).getText()).startsWith("Model cnn/");
        assertThat(draw(PointerInput.Kind.MOUSE, List.of(ONE))).isEqualTo("1");
        // the winning bar is the widest and the ten add up to about 100%
        List<WebElement> rows = driver.findElements(By.cssSelector("#head-0 .row"));
        assertThat(rows).hasSize(10);
        assertThat(rows.get(1).getAttribute("class")).contains("best");
        double total = 0;
        for (WebElement r : rows) {
            String p = r.findElement(By.className("p")).getText().replace("%", "");
            total += p.isEmpty() ? 0 : Double.parseDouble(p);
        }
        assertThat(total).isBetween(98.0, 102.0);
        screenshot("serve-desktop");
        clear();
        assertThat(draw(PointerInput.Kind.MOUSE, List.of(zero()))).isEqualTo("0");
        clear();
    }

    @Test
    void mnistDigitsTracedStrokeByStrokeAreRead() {
        open(server, 1280, 900);
        int right = 0, n = 20;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String answer = draw(PointerInput.Kind.MOUSE, traced(i, 0, 1));
            seen.append(String.format(Locale.ROOT, "%d->%s ", labels[i], answer));
            if (answer.equals(String.valueOf(labels[i]))) right++;
            clear();
        }
        System.out.println("serve: traced MNIST digits " + seen);
        // measured (2026-11-30, AMD EPYC with AVX-512, 2 cores): 18 of 20, as the model's 0.946 on MNIST's own
        // digits; the bar is 2.5 standard deviations of a binomial count below that
        assertThat(right).as(seen.toString()).isGreaterThanOrEqualTo(16);
        // one request at a time, each taking every change drawn since the last: fewer requests than changes (how
        // many fewer depends on how fast the machine answers, so that is printed, not held to a number)
        int requests = ((Number) js("return window.digitsState.requests")).intValue();
        int changes = ((Number) js("return window.digitsState.changes")).intValue();
        System.out.println("serve: " + requests + " requests for " + changes + " changes of the drawing");
        assertThat(requests).isPositive().isLessThan(changes);
    }

    @Test
    void onAPhoneAFingerDrawsAndNothingScrollsSideways() throws IOException {
        open(server, 390, 844);
        Number overflow = (Number) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow.intValue()).as("horizontal overflow at phone width").isLessThanOrEqualTo(0);
        WebElement pad = driver.findElement(By.id("pad"));
        assertThat(pad.getRect().getWidth()).isBetween(250, 390);
        assertThat(draw(PointerInput.Kind.TOUCH, List.of(ONE))).isEqualTo("1");
        WebElement clear = driver.findElement(By.id("clear"));
        assertThat(clear.getRect().getY() + clear.getRect().getHeight()).isLessThan(844);
        screenshot("serve-phone");
        clear();
        assertThat(draw(PointerInput.Kind.TOUCH, List.of(zero()))).isEqualTo("0");
    }

    @Test
    void aTwoDigitModelReadsTwoDigitsDrawnOneAboveTheOther() throws IOException {
        open(twoDigitServer, 1280, 900);
        assertThat(driver.findElement(By.id("title")).getText()).contains("two digits");
        WebElement pad = driver.findElement(By.id("pad"));
        assertThat((double) pad.getRect().getHeight() / pad.getRect().getWidth()).isCloseTo(1.5,
                org.assertj.core.api.Assertions.within(0.05));
        int right = 0, n = 10;
        StringBuilder seen = new StringBuilder();
        for (int k = 0; k < n; k++) {
            List<Stroke> strokes = new ArrayList<>(traced(2 * k, 0.02, 0.46));
            strokes.addAll(traced(2 * k + 1, 0.52, 0.46));
            String answer = draw(PointerInput.Kind.MOUSE, strokes);
            String truth = labels[2 * k] + "" + labels[2 * k + 1];
            seen.append(truth).append("->").append(answer).append(' ');
            if (answer.equals(truth)) right++;
            if (k == 0) screenshot("serve-two-digits");
            clear();
        }
        System.out.println("serve: traced MNIST pairs " + seen);
        // measured: 7 of 10 with both digits right, as the model's 0.69 on the data set's form of 500 such pairs
        assertThat(right).as(seen.toString()).isGreaterThanOrEqualTo(5);
    }

    private static void assertNoConsoleErrors() {
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(errors).as("console errors").isEmpty();
    }

    private static void screenshot(String name) throws IOException {
        Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }
}
