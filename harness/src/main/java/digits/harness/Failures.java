package digits.harness;

import digits.data.DataException;
import digits.io.FirstLine;
import digits.data.IdxFormatException;
import digits.spec.SpecException;
import digits.study.StudyException;
import digits.train.Checkpoint;
import digits.train.DivergedException;
import java.io.UncheckedIOException;

/**
 * Turns what went wrong into the one line a user acts on. Errors of the user's input or environment
 * (spec, data, files, memory, divergence) get a message; anything else is a bug and keeps its stack trace.
 */
public final class Failures {

    private Failures() {}

    /** The one-line message for a user-facing failure, or null when {@code e} is a bug. */
    public static String userMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) return outOfMemory(oom);
        }
        if (e instanceof SpecException || e instanceof DataException || e instanceof IdxFormatException
                || e instanceof DivergedException || e instanceof Checkpoint.CheckpointException
                || e instanceof UncheckedIOException || e instanceof StudyException
                || e instanceof digits.predict.PredictException) {
            return FirstLine.of(e.getMessage());
        }
        if (e instanceof IllegalArgumentException && (String.valueOf(e.getMessage()).startsWith("-D")
                || String.valueOf(e.getMessage()).contains("; allowed: "))) {
            return FirstLine.of(e.getMessage()); // a bad -D value or a refused setting, named with what is allowed
        }
        if (String.valueOf(e.getMessage()).contains("No ND4J Backend")) {
            return "no ND4J backend on the classpath: run from the repository root (its pom adds nd4j-native, or "
                    + "nd4j-cuda with -Ddigits.backend=cuda)";
        }
        return null;
    }

    /**
     * For a command-line entry point's last words: {@code ERROR: <the one line>} on standard error, or the stack trace
     * of a bug.
     */
    public static void print(Throwable e) {
        String message = userMessage(e);
        if (message == null) e.printStackTrace();
        else System.err.println("ERROR: " + message);
    }

    /**
     * JavaCPP reports off-heap exhaustion (ND4J's arrays) as an OutOfMemoryError naming its byte counters;
     * anything else is the JVM heap. Each has its own setting.
     */
    static String outOfMemory(OutOfMemoryError e) {
        String m = FirstLine.of(String.valueOf(e.getMessage()));
        Runtime rt = Runtime.getRuntime();
        if (m.contains("physicalBytes") || m.contains("totalBytes") || m.contains("maxBytes")
                || m.contains("Pointer")) {
            return "out of off-heap memory (" + m + "): raise -Dorg.bytedeco.javacpp.maxphysicalbytes (the limit on the "
                    + "process's memory, heap included; .mvn/jvm.config sets 14G) in .mvn/jvm.config or MAVEN_OPTS, or lower training.batchSize (see README, Memory)";
        }
        return "out of JVM heap (" + m + ", -Xmx is " + rt.maxMemory() / (1 << 20) + " MiB): raise -Xmx in "
                + ".mvn/jvm.config or MAVEN_OPTS (see README, Memory)";
    }
}
