package digits.data;

import java.nio.file.Path;

/** An IDX file that is missing, truncated, corrupted or of the wrong kind; the message says how to fix it. */
public class IdxFormatException extends RuntimeException {
    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
