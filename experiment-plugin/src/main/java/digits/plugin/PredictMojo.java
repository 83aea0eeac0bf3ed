package digits.plugin;

import digits.predict.ImageFiles;
import digits.predict.Prediction;
import digits.predict.PredictionTable;
import digits.predict.TrainedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Asks a trained model which digits pictures show. Any size, dark ink on light paper or light on dark: each
 * picture is brought into MNIST's form first (grey levels, inverted if the background is light, cropped to the
 * ink, fitted into 20x20, centred by mass in 28x28; two-digit models get their stacked form). Prints the three
 * likeliest digits with their probabilities per picture (per digit for two-digit models), or JSON. A picture
 * that cannot be used gets one line saying why, the others are still predicted, and the build fails at the end.
 */
@Mojo(name = "predict", aggregator = true, threadSafe = true)
public class PredictMojo extends AbstractDigitsMojo {

    /**
     * The trained model: {@code cnn} or {@code cnn/latest} (the newest completed run of cnn),
     * {@code cnn/20261130-101500} (a run id), or the path of a run folder.
     */
    @Parameter(property = "run", required = true)
    private String run;

    /** Pictures: a comma list of image files and folders (a folder: its image files, by name). */
    @Parameter(property = "images", required = true)
    private String images;

    /**
     * JSON instead of the table: {@code true} prints it on standard output (with {@code mvn -q}: nothing else but
     * Maven's colour codes), a file name writes it to that file.
     */
    @Parameter(property = "digits.json", defaultValue = "false")
    private String json;

    @Override
    protected void run() throws MojoFailureException {
        Path base = workingDirectory();
        String mode = json == null ? "false" : json.strip();
        boolean table = mode.isEmpty() || mode.equals("false");
        boolean stdout = mode.equals("true"); // then nothing else goes there: the output is the JSON
        TrainedModel model = TrainedModel.open(reportsDir.toPath(), run, base);
        List<Path> files = ImageFiles.expand(images, base);
        if (!stdout) getLog().info("Model " + model.name() + " (" + model.runDir() + ")"
                + (model.members() > 1 ? ", an ensemble of " + model.members() + " networks" : "") + ", "
                + files.size() + " picture(s)");
        List<Prediction> predictions = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Path file : files) {
            String shown = file.startsWith(base) ? base.relativize(file).toString() : file.toString();
            Prediction p = model.predict(file, shown);
            predictions.add(p);
            if (p.ok()) continue;
            failed.add(shown);
            if (!stdout) getLog().error(p.error());
        }
        if (stdout) {
            System.out.println(PredictionTable.json(model, predictions));
        } else if (table) {
            if (failed.size() < files.size()) PredictionTable.table(predictions).lines().forEach(getLog()::info);
        } else {
            getLog().info("Predictions: " + PredictionTable.writeJson(model, predictions, base.resolve(mode)));
        }
        if (!failed.isEmpty()) {
            throw new MojoFailureException(failed.size() + " of " + files.size() + " picture(s) could not be predicted: "
                    + String.join(", ", failed) + (stdout ? " (see their \"error\" fields)" : " (see the lines above)"));
        }
    }
}
