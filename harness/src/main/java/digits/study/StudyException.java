package digits.study;

/** A study that cannot finish: runs that failed for good (after their retries), named with why. One line. */
public final class StudyException extends RuntimeException {
    public StudyException(String message) {
        super(message);
    }
}
