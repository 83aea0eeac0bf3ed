package digits.study;

import digits.spec.ExperimentSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a study's runs train: one after another in the study's JVM (the default of {@link StudyRunner}), or elsewhere
 * (digits-spark: one Spark task per run). Either way each run is obtained as {@link StudyRun#obtain} does it.
 */
public interface RunEngine {

    /**
     * Obtains every run (reused, continued or trained) and returns the outcomes in the order of {@code runs}. A run
     * that cannot be obtained fails the call, after the others are done where the engine can go on.
     *
     * @param study    the study's name, for progress lines
     * @param specFile the study file, recorded in each run's report
     * @param reportsRoot the reports folder, whose index.html each run refreshes
     * @param runsDir     the study's runs folder ({@code reports/<study>/runs}); each run in {@code <spec name>/<run id>/}
     * @param runs        the runs' specs, each named {@code <variant>-s<seed>}
     */
    List<StudyRun.Outcome> execute(String study, Path specFile, Path reportsRoot, Path runsDir, List<ExperimentSpec> runs);
}
