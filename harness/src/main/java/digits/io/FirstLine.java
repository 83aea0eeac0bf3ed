package digits.io;

/** The first line of a message: what a one-line error shows of an exception whose text runs on. */
public final class FirstLine {

    private FirstLine() {}

    /** The text up to its first line break; "" for null. */
    public static String of(String text) {
        if (text == null) return "";
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).stripTrailing();
    }

    /** The first line of the exception's message, or its class name when it has none. */
    public static String of(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : of(e.getMessage());
    }
}
