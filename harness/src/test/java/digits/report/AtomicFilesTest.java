package digits.report;

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
    void theNewFileReplacesTheOldOneWhole() throws IOException {
        Path target = Files.writeString(dir.resolve("report.json"), "old");
        AtomicFiles.write(target, "new".getBytes());
        assertThat(target).hasContent("new");
        assertThat(Files.getPosixFilePermissions(target)).hasSize(4); // rw-r--r--
    }
}
