package digits.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    private Path images(int n, int rows, int cols) throws IOException {
        byte[] px = new byte[n * rows * cols];
        for (int i = 0; i < px.length; i++) px[i] = (byte) i;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.writeImages(out, n, rows, cols, px);
        return Files.write(dir.resolve("img"), out.toByteArray());
    }

    private Path labels(byte... labels) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.writeLabels(out, labels);
        return Files.write(dir.resolve("lab"), out.toByteArray());
    }

    @Test
    void readsWhatItWrites() throws IOException {
        Idx.Images img = Idx.readImages(images(3, 4, 5));
        assertThat(img.count()).isEqualTo(3);
        assertThat(img.rows()).isEqualTo(4);
        assertThat(img.cols()).isEqualTo(5);
        assertThat(img.pixels()).hasSize(60);
        assertThat(img.pixels()[59]).isEqualTo((byte) 59);
        assertThat(Idx.readLabels(labels((byte) 7, (byte) 0, (byte) 9), 10)).containsExactly(7, 0, 9);
        assertThat(Idx.imageHeader(dir.resolve("img"))).containsExactly(3, 4, 5);
    }

    @Test
    void truncatedFileNamesTheFileAndTheMissingBytes() throws IOException {
        Path f = images(3, 4, 5);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 7));
        assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated: 69 bytes")
                .hasMessageContaining("announces 76");
    }

    @Test
    void headerShorterThanAHeaderIsTruncated() throws IOException {
        Path f = Files.write(dir.resolve("short"), new byte[] {0, 0, 8, 3, 0});
        assertThatThrownBy(() -> Idx.readImages(f)).hasMessageContaining("truncated");
    }

    @Test
    void wrongMagicSaysWhatKindOfFileWasExpected() throws IOException {
        Path lab = labels((byte) 1, (byte) 2);
        assertThatThrownBy(() -> Idx.readImages(lab)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("not an IDX images file").hasMessageContaining("0x00000801");
    }

    @Test
    void gzippedFileGetsAHint() throws IOException {
        Path f = Files.write(dir.resolve("gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> Idx.readImages(f)).hasMessageContaining("gzip-compressed");
    }

    @Test
    void trailingBytesAreCorruption() throws IOException {
        Path f = images(2, 2, 2);
        Files.write(f, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> Idx.readImages(f)).hasMessageContaining("3 bytes more than its header announces");
    }

    @Test
    void labelOutsideTheClassesIsRejected() throws IOException {
        Path f = labels((byte) 3, (byte) 12);
        assertThatThrownBy(() -> Idx.readLabels(f, 10)).hasMessageContaining("label 12 at index 1")
                .hasMessageContaining("allowed: 0..9");
    }

    @Test
    void missingFileIsSaidSo() {
        assertThatThrownBy(() -> Idx.readImages(dir.resolve("nope"))).hasMessageEndingWith("nope: missing");
    }
}
