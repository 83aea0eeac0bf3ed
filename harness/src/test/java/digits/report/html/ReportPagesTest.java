package digits.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import digits.report.Reports;
import digits.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportPagesTest {

    @TempDir
    Path dir;

    @Test
    void runPageViewModelHasEveryHeadsCurvesConfusionAndMistakes() throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("two/r1"));
        RunReport r = Fixtures.run(runDir, "two", 2, 4, "two digits", 0.975);
        RunPage page = RunPage.of(r, runDir, "../../index.html");

        assertThat(page.verdict()).isEqualTo(new Badge("PASS", "good"));
        assertThat(page.checks()).extracting(RunPage.Check::head).containsExactly("head 1", "head 2");
        assertThat(page.references()).extracting(RunPage.Reference::delta).containsExactly("+0.0250", "+0.0150");
        assertThat(page.charts()).extracting(Chart::id).containsExactly("loss", "accuracy", "throughput");
        assertThat(page.charts().get(1).series()).extracting(Chart.Series::label).containsExactly(
                "train (head 1)", "dev (head 1)", "test (head 1)", "train (head 2)", "dev (head 2)", "test (head 2)",
                "notebook train (head 1)", "notebook dev (head 1)", "notebook train (head 2)", "notebook dev (head 2)");
        // the notebook's curves are dotted, each head its own pattern; the reproduced second head dashed
        assertThat(page.charts().get(0).series()).extracting(Chart.Series::dash).containsExactly(null, null,
                Chart.DASHED, Chart.DASHED, Chart.NOTEBOOK, Chart.NOTEBOOK, Chart.NOTEBOOK_SECOND, Chart.NOTEBOOK_SECOND);
        // epoch 2 of the fixture's notebook: dev loss 1.1/2 + 0.01 (head 1), 1.1/3 + 0.01 (head 2)
        assertThat(page.epochDeltas()).hasSize(8).element(2).satisfies(row -> {
            assertThat(row.epoch()).isEqualTo(2);
            assertThat(row.head()).isEqualTo("head 1");
            assertThat(row.cells().get(2)).isEqualTo(new RunPage.Cell("0.5600", "0.5500", "-0.0100", "good-text"));
            assertThat(row.cells().get(3)).isEqualTo(new RunPage.Cell("0.8550", "0.8600", "+0.0050", "good-text"));
        });
        assertThat(page.epochDeltas().get(3).cells().get(2).seed()).isEqualTo("0.3767");
        // the final figures' table keeps only the final figures
        assertThat(page.references()).extracting(RunPage.Reference::metric).containsOnly("testAccuracy");
        assertThat(page.confusions()).extracting(Confusion::title).containsExactly("Head 1", "Head 2");
        assertThat(page.confusions().get(0).rows().get(2).cells().get(2).count()).isEqualTo(92);
        assertThat(page.gallery()).hasSize(6).first().satisfies(g -> {
            assertThat(g.src()).isEqualTo("misclassified/100.png");
            assertThat(g.heads()).extracting(GalleryItem.Head::wrong).containsExactly(true, false);
            assertThat(g.heads().get(0).trueProbability()).isEqualTo("1.0%");
        });
        assertThat(page.throughput()).extracting(RunPage.Throughput::imagesPerSecond).first().isEqualTo("4,100");
        assertThat(page.specYaml()).contains("name: two", "heads: 2");
    }

    @Test
    void theSeedToleranceCheckShowsTheDistanceToTheNotebookAndItsLimit() throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("one/r1"));
        RunReport r = Fixtures.run(runDir, "one", 1, 2, "d", 0.93);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Reports.JSON.valueToTree(r);
        tree.withArray("acceptance").addObject().put("metric", RunReport.ThresholdCheck.SEED_DELTA).put("head", 0)
                .put("threshold", 0.01).put("actual", 0.02).put("passed", false);
        RunPage page = RunPage.of(Reports.JSON.treeToValue(tree, RunReport.class), runDir, null);
        assertThat(page.checks()).hasSize(2).last().isEqualTo(new RunPage.Check("|test accuracy − notebook's|", "",
                "≤ 0.0100", "0.0200", new Badge("FAIL", "bad")));
        assertThat(page.checks().get(0).threshold()).isEqualTo("> 0.9000");
    }

    @Test
    void textFromSpecsIsEscapedAndChartDataCannotCloseItsScript() throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("x/r1"));
        RunReport r = Fixtures.run(runDir, "x", 1, 2, Fixtures.HOSTILE, 0.95);
        String html = Files.readString(ReportPages.writeRun(runDir, r, dir));

        assertThat(html).doesNotContain("<script>window.pwned").contains("&lt;script&gt;window.pwned &#61; true&lt;/script&gt;");
        String data = html.substring(html.indexOf("id=\"chart-data\">"), html.indexOf("</script>",
                html.indexOf("id=\"chart-data\">")));
        assertThat(data).doesNotContain("<script").contains("\"x\":[1,2]");
        assertThat(html).contains("<a href=\"../../index.html\">");
    }

    @Test
    void aGalleryImageWithoutItsPngIsLeftOutAndCounted() throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("x/r1"));
        RunReport r = Fixtures.run(runDir, "x", 1, 2, "d", 0.95);
        Files.delete(runDir.resolve("misclassified/101.png"));
        RunPage page = RunPage.of(r, runDir, null);
        assertThat(page.gallery()).extracting(GalleryItem::index).doesNotContain(101).hasSize(5);
        assertThat(page.galleryMissing()).isEqualTo("1");
    }

    @Test
    void aReportFromAnotherVersionRendersWithWhatItHas() throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("old/r1"));
        Files.writeString(runDir.resolve("report.json"), """
                {"format": 0, "experiment": "old", "status": "paused", "someNewField": {"a": 1},
                 "epochs": [{"epoch": 1, "trainLoss": [0.5], "devLoss": [0.6]}]}
                """);
        List<String> warnings = new ArrayList<>();
        ReportPages.Summary s = ReportPages.regenerate(dir, warnings::add);
        assertThat(warnings).isEmpty();
        assertThat(s.runs()).isEqualTo(1);
        String html = Files.readString(runDir.resolve("report.html"));
        assertThat(html).contains("<h1>old", "no verdict", "chart-loss");
    }

    @Test
    void regenerateWritesEveryPageAndSkipsUnreadableReportsWithAWarning() throws IOException {
        Fixtures.reportsFolder(dir);
        Path broken = Files.createDirectories(dir.resolve("broken/r1"));
        Files.writeString(broken.resolve("report.json"), "{ not json");
        List<String> warnings = new ArrayList<>();

        ReportPages.Summary s = ReportPages.regenerate(dir, warnings::add);

        assertThat(s.runs()).isEqualTo(3 + 3 + 6); // latest runs, cnn's older runs, the study's runs
        assertThat(s.studies()).isEqualTo(1);
        assertThat(warnings).singleElement().asString().startsWith("skipped broken/r1/report.json: ");
        assertThat(dir.resolve("cnn/20261129-110000/report.html")).isNotEmptyFile();
        assertThat(dir.resolve("mlp-study/runs/base-s0/r1/report.html")).isNotEmptyFile();
        String study = Files.readString(dir.resolve("mlp-study/20261129-130000/study.html"));
        assertThat(study).contains("href=\"../runs/leakyrelu-s1/r1/report.html\"", "<tr class=\"selected\">")
                .doesNotContain("<script>window.pwned");
        String index = Files.readString(s.index());
        assertThat(index).contains("href=\"cnn/20261129-110000/report.html\"",
                "href=\"mlp-study/20261129-130000/study.html\"", "selected on dev: leakyrelu", "broken/r1");
    }

    @Test
    void indexChartsEachExperimentsTestAccuracyOverTimeWithDateCommitAndThreshold() throws IOException {
        Fixtures.reportsFolder(dir);
        String index = Files.readString(ReportPages.writeIndex(dir));

        String json = index.substring(index.indexOf("id=\"chart-data\">") + "id=\"chart-data\">".length(),
                index.indexOf("</script>", index.indexOf("id=\"chart-data\">")));
        JsonNode cnn = null;
        for (JsonNode c : Reports.JSON.readTree(json)) if (c.path("title").asText().equals("cnn")) cnn = c;
        assertThat(cnn).isNotNull();
        assertThat(cnn.path("kind").asText()).isEqualTo("history");
        // oldest first, in seconds since 1970; the interrupted run is a gap in the test series
        assertThat(cnn.path("x")).extracting(JsonNode::asLong).containsExactly(
                Instant.parse("2026-11-27T09:00:00Z").getEpochSecond(), Instant.parse("2026-11-28T08:00:00Z").getEpochSecond(),
                Instant.parse("2026-11-28T09:00:00Z").getEpochSecond(), Instant.parse("2026-11-29T11:00:00Z").getEpochSecond());
        assertThat(cnn.path("series").get(0).path("values").toString()).isEqualTo("[0.985,null,0.989,0.991]");
        assertThat(cnn.path("series").get(1).path("label").asText()).isEqualTo("threshold");
        assertThat(cnn.path("series").get(1).path("values").toString()).isEqualTo("[0.9,0.9,0.9,0.9]");
        assertThat(cnn.path("xNames").get(2).asText()).isEqualTo("2026-11-28 09:00 UTC · 2222222-dirty · 20261128-090000");
        // the runs table, newest first, links every run's page
        assertThat(index).contains("<code title=\"3333333ccccccccccccccccccccccccccccccccc\">3333333</code>",
                "href=\"cnn/20261127-090000/report.html\"", "href=\"cnn/20261128-080000/report.html\"");
        assertThat(index.indexOf("cnn/20261129-110000/report.html\">20261129-110000"))
                .isLessThan(index.indexOf("cnn/20261127-090000/report.html\">20261127-090000"));
        // a study's history is its selected variant's test accuracy
        assertThat(index).contains("href=\"mlp-study/20261129-130000/study.html\">20261129-130000</a>");
    }

    @Test
    void indexRowShowsTestAccuracyThresholdSeedAndDelta() throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("cnn/r1"));
        IndexPage.Entry e = IndexPage.run(Fixtures.run(runDir, "cnn", 1, 2, "d", 0.97), "cnn/r1/report.html");
        assertThat(e).extracting(IndexPage.Entry::testAccuracy, IndexPage.Entry::threshold, IndexPage.Entry::seed,
                IndexPage.Entry::delta, IndexPage.Entry::deltaCss).containsExactly("0.9700", "> 0.9000", "0.9500",
                "+0.0200", "good-text");
        assertThat(e.verdict().text()).isEqualTo("PASS");
    }

    @Test
    void heatMapShadesRightBlueAndWrongRedByShareOfTheTrueDigit() {
        Confusion c = Confusion.of("t", new int[][] {{9, 1}, {0, 10}});
        assertThat(c.rows().get(0).cells().get(0).style()).startsWith("background-color: rgba(37, 99, 235, 0.92)");
        assertThat(c.rows().get(0).cells().get(1).style()).startsWith("background-color: rgba(220, 38, 38, 0.52)");
        assertThat(c.rows().get(1).cells().get(0).style()).isEmpty();
    }
}
