package digits.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import digits.predict.GrayImage;
import digits.predict.ImageFiles;
import digits.predict.PredictException;
import digits.predict.Prediction;
import digits.predict.TrainedModel;
import digits.report.html.SafeJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server (the JDK's own) for one trained model: {@code GET /} is a page where a person draws a digit
 * and sees the model's probabilities as they draw; {@code POST /predict} takes the drawing as a PNG (or any
 * image javax.imageio reads) and answers JSON. Bound to 127.0.0.1 unless told otherwise. Requests are limited to
 * {@link #MAX_BODY} bytes and {@link #MAX_PIXELS} pixels; anything else gets a 4xx status and a JSON error.
 */
public final class DrawServer implements AutoCloseable {

    /** Largest request body: a 280x420 drawing is 5-20 KiB as PNG. */
    public static final int MAX_BODY = 64 * 1024;
    /** Largest decoded picture (a small PNG can unpack into a huge one). */
    public static final long MAX_PIXELS = 2048L * 2048;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAGE_RESOURCE = "/digits/serve/draw.html";

    private final HttpServer server;
    private final ExecutorService pool;
    private final TrainedModel model;
    private final byte[] page;

    private DrawServer(HttpServer server, ExecutorService pool, TrainedModel model) {
        this.server = server;
        this.pool = pool;
        this.model = model;
        this.page = page(model);
    }

    /** Starts serving {@code model} on {@code host}:{@code port} (port 0: any free port). */
    public static DrawServer start(TrainedModel model, String host, int port) {
        // the JDK server's own limits on slow clients (seconds), read once when its classes load
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", "30");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("-Ddigits.port=" + port + ": allowed: 0 (any free port) to 65535");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another -Ddigits.port (0: any free port) or -Ddigits.host", e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "digits-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        DrawServer s = new DrawServer(server, pool, model);
        server.createContext("/", s::handle);
        server.setExecutor(pool);
        server.start();
        return s;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8765/}. */
    public URI url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/")) {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    methodNotAllowed(ex, "GET, HEAD");
                } else {
                    send(ex, 200, "text/html; charset=utf-8", page, method.equals("HEAD"));
                }
            } else if (path.equals("/predict")) {
                if (!method.equals("POST")) methodNotAllowed(ex, "POST");
                else predict(ex);
            } else {
                error(ex, 404, "no such page: " + path + "; allowed: GET / (the drawing page), POST /predict");
            }
        } catch (RuntimeException e) {
            error(ex, 500, "internal error: " + e);
        } finally {
            ex.close();
        }
    }

    private void predict(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.strip().toLowerCase(Locale.ROOT).startsWith("image/")) {
            error(ex, 415, (type == null ? "no Content-Type" : "Content-Type " + type)
                    + "; allowed: image/png (or another image/* type javax.imageio reads)");
            return;
        }
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > MAX_BODY) {
            error(ex, 413, "request body of " + length.strip() + " bytes; allowed: at most " + MAX_BODY);
            return;
        }
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1); // an oversized body is never held whole
        if (body.length > MAX_BODY) {
            error(ex, 413, "request body over " + MAX_BODY + " bytes; allowed: at most " + MAX_BODY);
            return;
        }
        if (body.length == 0) {
            error(ex, 400, "empty request body; allowed: the drawing as an image (PNG)");
            return;
        }
        GrayImage form;
        try {
            form = model.prepare(ImageFiles.read(body, MAX_PIXELS));
        } catch (ImageFiles.TooLarge e) {
            error(ex, 413, e.getMessage());
            return;
        } catch (PredictException e) {
            boolean noInk = e.getMessage().startsWith("no ink") || e.getMessage().startsWith("found one digit");
            error(ex, noInk ? 422 : 400, e.getMessage());
            return;
        }
        List<Prediction.Head> heads = model.predict(form);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", model.name());
        out.put("heads", heads);
        byte[] px = form.bytes();
        int[] pixels = new int[px.length];
        for (int i = 0; i < px.length; i++) pixels[i] = px[i] & 0xff;
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("width", form.width());
        input.put("height", form.height());
        input.put("pixels", pixels); // the drawing as the model reads it
        out.put("input", input);
        send(ex, 200, "application/json", JSON.writeValueAsBytes(out), false);
    }

    private static void methodNotAllowed(HttpExchange ex, String allowed) throws IOException {
        ex.getResponseHeaders().set("Allow", allowed);
        error(ex, 405, "method " + ex.getRequestMethod() + " on " + ex.getRequestURI().getPath() + "; allowed: " + allowed);
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(Map.of("error", message)), false);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, boolean headOnly)
            throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        // the page carries everything it needs: nothing may load from elsewhere
        h.set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        if (status == 413) h.set("Connection", "close");
        ex.sendResponseHeaders(status, headOnly ? -1 : body.length);
        if (!headOnly) ex.getResponseBody().write(body);
    }

    /** The page with the model's description in it. */
    private static byte[] page(TrainedModel model) {
        String html;
        try (InputStream in = DrawServer.class.getResourceAsStream(PAGE_RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + PAGE_RESOURCE);
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", model.name());
        m.put("heads", model.heads());
        m.put("height", model.height());
        m.put("width", model.width());
        m.put("testAccuracy", model.testAccuracy());
        m.put("maxBody", MAX_BODY);
        return html.replace("/*MODEL*/null", SafeJson.of(m)).getBytes(StandardCharsets.UTF_8);
    }
}
