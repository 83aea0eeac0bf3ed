package digits.report.html;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import digits.report.Reports;
import digits.report.RunReport;
import digits.report.StudyReport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads report.json and study.json for pages, forgivingly: a report written by another version may lack
 * fields (they stay null) or have fields this one does not know (ignored).
 */
final class ReportFiles {

    static final ObjectMapper LENIENT = Reports.JSON.copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL);

    private ReportFiles() {}

    static RunReport run(Path reportJson) throws IOException {
        return LENIENT.readValue(reportJson.toFile(), RunReport.class);
    }

    static StudyReport study(Path studyJson) throws IOException {
        return LENIENT.readValue(studyJson.toFile(), StudyReport.class);
    }
}
