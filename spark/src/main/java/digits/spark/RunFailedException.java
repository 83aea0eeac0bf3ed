package digits.spark;

/**
 * A run's task failed: the message is one line naming the run, where it ran and why; Spark retries the task. No stack
 * trace: Spark logs each failed attempt with it, and this one would only point here.
 */
final class RunFailedException extends RuntimeException {
    RunFailedException(String message) {
        super(message, null, false, false);
    }
}
