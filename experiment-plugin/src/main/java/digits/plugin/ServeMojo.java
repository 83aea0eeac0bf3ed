package digits.plugin;

import digits.predict.TrainedModel;
import digits.serve.DrawServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Serves a page where a person draws a digit with the mouse or a finger and sees the trained model's
 * probabilities as they draw. A small embedded HTTP server, on 127.0.0.1 by default; runs until Ctrl-C.
 */
@Mojo(name = "serve", aggregator = true, threadSafe = true)
public class ServeMojo extends AbstractDigitsMojo {

    /**
     * The trained model: {@code cnn} or {@code cnn/latest} (the newest completed run of cnn),
     * {@code cnn/20261130-101500} (a run id), or the path of a run folder.
     */
    @Parameter(property = "run", required = true)
    private String run;

    /** Address to listen on; anything but the loopback makes the page reachable from other machines. */
    @Parameter(property = "digits.host", defaultValue = "127.0.0.1")
    private String host;

    /** Port to listen on; 0 takes any free port (the address is printed). */
    @Parameter(property = "digits.port", defaultValue = "8765")
    private int port;

    @Override
    protected void run() {
        TrainedModel model = TrainedModel.open(reportsDir.toPath(), run, workingDirectory());
        DrawServer server = DrawServer.start(model, host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "digits-serve-stop"));
        if (!loopback(host)) {
            getLog().warn("Listening on " + host + ": anyone who can reach this machine can use the page");
        }
        getLog().info("Serving " + model.name() + " at " + server.url() + " (Ctrl-C to stop)");
        try {
            new CountDownLatch(1).await(); // until Maven is stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // DrawServer names the problem
        }
    }
}
