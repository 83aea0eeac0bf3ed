package digits.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import digits.report.Reports;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeJsonTest {

    @Test
    void nothingInTheJsonCanEndAScriptElementAndItReadsBackUnchanged() throws Exception {
        String hostile = "</script><script>alert(1)</script> & <!-- \u2028\u2029";
        String json = SafeJson.of(Map.of("label", hostile, "values", List.of(1.5, 2)));
        assertThat(json).doesNotContain("<", ">", "&", "\u2028", "\u2029")
                .contains("\\u003c/script\\u003e", "\\u0026", "\\u2028");
        assertThat(Reports.JSON.readTree(json).path("label").asText()).isEqualTo(hostile);
    }
}
