package digits.plugin;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import digits.spec.ExperimentSpec;
import digits.spec.SpecCatalog;
import digits.spec.SpecSummary;
import digits.study.StudyLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;

/** Lists the experiment specs: architecture, training, threshold and the seed's figure. */
@Mojo(name = "list", aggregator = true, threadSafe = true)
public class ListMojo extends AbstractDigitsMojo {

    @Override
    protected void run() {
        SpecCatalog catalog = harness().catalog();
        List<ExperimentSpec> specs = new ArrayList<>();
        for (String name : catalog.experiments()) specs.add(catalog.load(name));
        String table = AsciiTable.getTable(AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS, specs, List.of(
                new Column().header("experiment").dataAlign(HorizontalAlign.LEFT).with(ExperimentSpec::name),
                new Column().header("model").dataAlign(HorizontalAlign.LEFT).with(SpecSummary::layers),
                new Column().header("training").dataAlign(HorizontalAlign.LEFT).with(SpecSummary::training),
                new Column().header("threshold").with(s -> SpecSummary.threshold(s)),
                new Column().header("seed reported").with(s -> SpecSummary.reference(s))));
        table.lines().forEach(getLog()::info);
        for (String study : catalog.studies()) {
            var plan = StudyLoader.load(catalog, study);
            getLog().info(String.format("study %s: base %s, %d variants x %d seeds", study, plan.base().name(),
                    plan.variants().size(), plan.spec().study().repeats()));
        }
    }
}
