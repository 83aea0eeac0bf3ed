package digits.predict;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.ColumnData;
import com.github.freva.asciitable.HorizontalAlign;
import digits.io.AtomicFiles;
import digits.report.Reports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The predictions of {@code digits:predict} as a table for people or as JSON for programs. */
public final class PredictionTable {

    private PredictionTable() {}

    /** One row per input and head: the input, the head (two-digit models only), the three likeliest digits. */
    public static String table(List<Prediction> predictions) {
        boolean manyHeads = predictions.stream().anyMatch(p -> p.ok() && p.heads().size() > 1);
        List<String> headers = new ArrayList<>(List.of("image"));
        if (manyHeads) headers.add("digit");
        headers.addAll(List.of("1st", "2nd", "3rd").subList(0, TrainedModel.TOP));
        List<List<String>> rows = new ArrayList<>();
        for (Prediction p : predictions) {
            if (!p.ok()) continue;
            for (int h = 0; h < p.heads().size(); h++) {
                List<String> row = new ArrayList<>();
                row.add(h == 0 ? p.input() : "");
                if (manyHeads) row.add(h == 0 ? "upper" : "lower");
                List<Prediction.Ranked> top = p.heads().get(h).top();
                for (int k = 0; k < TrainedModel.TOP; k++) row.add(k < top.size() ? ranked(top.get(k)) : "");
                rows.add(row);
            }
        }
        List<ColumnData<List<String>>> columns = new ArrayList<>();
        for (int c = 0; c < headers.size(); c++) {
            int index = c;
            columns.add(new Column().header(headers.get(c)).headerAlign(HorizontalAlign.LEFT)
                    .dataAlign(HorizontalAlign.LEFT).with(r -> r.get(index)));
        }
        return AsciiTable.getTable(AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS, rows, columns);
    }

    /** {@code 7 (98.7%)}. */
    static String ranked(Prediction.Ranked r) {
        return String.format(Locale.ROOT, "%d (%.1f%%)", r.digit(), 100.0 * r.probability());
    }

    /** The run and every input's prediction or error, indented JSON. */
    public static String json(TrainedModel model, List<Prediction> predictions) {
        try {
            return Reports.JSON.writeValueAsString(new Output(model.name(), model.heads(), model.testAccuracy(),
                    predictions));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #json} to {@code file} (atomically, creating its folder) and returns the file. */
    public static Path writeJson(TrainedModel model, List<Prediction> predictions, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, json(model, predictions).getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("-Ddigits.json=" + file + ": cannot write it (" + e.getMessage()
                    + "); allowed: true (standard output) or a file in a writable folder", e);
        }
    }

    @JsonPropertyOrder({"run", "heads", "testAccuracy", "images"})
    record Output(String run, int heads, List<Double> testAccuracy, List<Prediction> images) {}
}
