package digits.run;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void run() {
        Path root = Path.of(System.getProperty("digits.root"));
        String exp = System.getProperty("smoke.exp", "mlp-baseline");
        var o = Harness.Options.forRoot(root, System.out::println).withReportsDir(Path.of("/tmp/smoke-reports"));
        if (System.getProperty("smoke.dir") != null) o = new Harness.Options(Path.of(System.getProperty("smoke.dir")), o.dataDir(), o.reportsDir(), null, false, o.progressInterval(), o.log());
        var h = new Harness(o);
        var r = h.run(exp);
        System.out.println(r.report().test());
    }
}
