package digits;

import digits.data.Mnist;
import java.nio.file.Path;

/** Where tests find the repository root and the real MNIST (fetched and verified on first use). */
public final class TestData {
    private TestData() {}

    public static Path root() {
        String root = System.getProperty("digits.root");
        return root == null ? Path.of("..").toAbsolutePath().normalize() : Path.of(root);
    }

    public static Path experiments() {
        return root().resolve("experiments");
    }

    public static Mnist.Files4 mnist() {
        return new Mnist(root().resolve("data/mnist"), null, System.out::println).obtain();
    }
}
