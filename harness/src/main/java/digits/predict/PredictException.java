package digits.predict;

/** An input or a run that cannot be used for prediction; the message is the one line the user acts on. */
public class PredictException extends RuntimeException {
    public PredictException(String message) {
        super(message);
    }
}
