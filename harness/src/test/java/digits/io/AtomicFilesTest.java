package digits.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void aWriterFailingHalfwayLeavesTheOldFileWholeAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("report.json"), "old, complete");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("new, but only ha".getBytes());
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(target).hasContent("old, complete");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aCheckFailingAfterTheBytesAreWrittenLeavesTheOldFile() throws IOException {
        // as a download whose SHA-256 turns out wrong: written in full, refused before the rename
        Path target = Files.writeString(dir.resolve("train-images"), "genuine");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("tampered".getBytes());
            throw new IllegalStateException("wrong SHA-256");
        })).hasMessage("wrong SHA-256");
        assertThat(target).hasContent("genuine");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void firstLineOfAMessage() {
        assertThat(FirstLine.of("one\ntwo")).isEqualTo("one");
        assertThat(FirstLine.of("one\r\ntwo")).isEqualTo("one");
        assertThat(FirstLine.of((String) null)).isEmpty();
        assertThat(FirstLine.of(new IOException())).isEqualTo("IOException");
        assertThat(FirstLine.of(new IOException("disk full\n\tat somewhere"))).isEqualTo("disk full");
    }

    @Test
    void theNewFileReplacesTheOldOneWhole() throws IOException {
        Path target = Files.writeString(dir.resolve("report.json"), "old");
        AtomicFiles.write(target, "new".getBytes());
        assertThat(target).hasContent("new");
        assertThat(Files.getPosixFilePermissions(target)).hasSize(4); // rw-r--r--
    }
}
