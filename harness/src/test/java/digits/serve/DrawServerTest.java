package digits.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import digits.TestData;
import digits.data.Idx;
import digits.data.Mnist;
import digits.predict.SmallModels;
import digits.predict.TrainedModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server with a plain HTTP client on 127.0.0.1: the page, a prediction, and every kind of bad request. */
class DrawServerTest {

    private static DrawServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        TrainedModel model = TrainedModel.open(SmallModels.cnn(), "cnn", Path.of("."));
        server = DrawServer.start(model, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder post(String path, String type, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return type == null ? b : b.header("Content-Type", type);
    }

    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** MNIST test digit {@code i} as dark ink on white, 5 times enlarged, as a drawing would be. */
    static byte[] mnistDrawing(int i) throws IOException {
        Idx.Images test = Idx.readImages(TestData.mnist().file(Mnist.TEST_IMAGES));
        BufferedImage img = new BufferedImage(140, 140, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 140; y++) {
            for (int x = 0; x < 140; x++) {
                img.getRaster().setSample(x, y, 0, 255 - (test.pixels()[i * 784 + (y / 5) * 28 + x / 5] & 0xff));
            }
        }
        return png(img);
    }

    private static void assertError(HttpResponse<String> r, int status, String text) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains(text);
    }

    @Test
    void listensOnTheLoopbackOnly() {
        assertThat(server.url().getHost()).isEqualTo("127.0.0.1");
        assertThat(server.url().getPort()).isPositive();
    }

    @Test
    void thePageIsSelfContained() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(server.url()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
                .contains("default-src 'none'"));
        assertThat(r.body()).contains("<canvas id=\"pad\"").contains("\"run\":\"cnn/")
                .doesNotContain("/*MODEL*/").doesNotContainPattern("(src|href)=\"https?:");
    }

    @Test
    void aDrawingIsAnsweredWithTheProbabilitiesOfEachDigit() throws Exception {
        byte[] labels = Idx.readLabels(TestData.mnist().file(Mnist.TEST_LABELS), 10);
        HttpResponse<String> r = send(post("/predict", "image/png", mnistDrawing(0)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        JsonNode head = json.path("heads").get(0);
        assertThat(head.path("top").get(0).path("digit").asInt()).isEqualTo(labels[0]);
        double sum = 0;
        for (JsonNode p : head.path("probabilities")) sum += p.asDouble();
        assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
        assertThat(json.path("input").path("pixels")).hasSize(784);
    }

    @Test
    void wrongPathsAndMethodsAreRefused() throws Exception {
        assertError(send(HttpRequest.newBuilder(server.url().resolve("/nope"))), 404, "no such page: /nope");
        HttpResponse<String> get = send(HttpRequest.newBuilder(server.url().resolve("/predict")));
        assertError(get, 405, "method GET on /predict; allowed: POST");
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertError(send(post("/", "image/png", new byte[] {1})), 405, "allowed: GET, HEAD");
        assertError(send(HttpRequest.newBuilder(server.url().resolve("/predict"))
                .method("PUT", HttpRequest.BodyPublishers.ofByteArray(new byte[] {1}))), 405, "method PUT");
    }

    @Test
    void bodiesThatAreNotAUsablePictureAreRefused() throws Exception {
        byte[] drawing = mnistDrawing(1);
        assertError(send(post("/predict", "text/plain", drawing)), 415, "Content-Type text/plain; allowed: image/png");
        assertError(send(post("/predict", null, drawing)), 415, "allowed: image/png");
        assertError(send(post("/predict", "image/png", new byte[0])), 400, "empty request body");
        assertError(send(post("/predict", "image/png", "hello".getBytes())), 400, "not an image");
        assertError(send(post("/predict", "image/png", Arrays.copyOf(drawing, drawing.length / 2))), 400,
                "damaged or unsupported PNG data");
        assertError(send(post("/predict", "image/png", png(whitePicture(60, 60)))), 422, "no ink found");
        // 9 megapixels that pack into a few KiB
        byte[] huge = png(whitePicture(3000, 3000));
        assertThat(huge.length).isLessThan(DrawServer.MAX_BODY);
        assertError(send(post("/predict", "image/png", huge)), 413, "3000x3000 pixels is too large");
    }

    @Test
    void bodiesOverTheLimitAreRefusedWithoutReadingThemWhole() throws Exception {
        byte[] big = new byte[DrawServer.MAX_BODY + 1];
        assertError(send(post("/predict", "image/png", big)), 413, "allowed: at most " + DrawServer.MAX_BODY);
        // no Content-Length (chunked): the server stops reading after the limit
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(server.url().resolve("/predict"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[200_000]))));
        assertError(chunked, 413, "request body over " + DrawServer.MAX_BODY + " bytes");
    }

    private static BufferedImage whitePicture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        var g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }
}
