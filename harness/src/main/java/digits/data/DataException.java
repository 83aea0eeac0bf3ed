package digits.data;

/** Data that cannot be obtained or trusted; the message says where the harness looked and what to do. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
