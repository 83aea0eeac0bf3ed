package digits;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** Headless Chromium for the browser tests, with its console log kept; skips the test class where it is missing. */
public final class Chromium {

    private Chromium() {}

    /** {@code -Ddigits.browserTests=required} (what .ci/run passes): a missing Chromium fails instead of skipping. */
    public static final String MODE = "digits.browserTests";
    public static final String REQUIRED = "required";

    /**
     * A headless Chromium at 1280x900; where it is missing the calling test class is skipped, saying why, or fails
     * when {@code -Ddigits.browserTests=required}.
     */
    public static ChromeDriver startOrSkip() {
        Path chromium = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        Path chromedriver = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        String missing = "no chromium and chromedriver (apt-get install chromium chromium-driver)";
        if (REQUIRED.equals(System.getProperty(MODE)) && (chromium == null || chromedriver == null)) {
            throw new AssertionError("-D" + MODE + "=" + REQUIRED + ": " + missing);
        }
        assumeTrue(chromium != null && chromedriver != null, "browser tests skipped: " + missing + "; -D" + MODE
                + "=" + REQUIRED + " makes this a failure");
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,900", "--hide-scrollbars");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .build(), options);
    }

    private static Path firstExisting(String... paths) {
        for (String p : paths) {
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        return null;
    }
}
