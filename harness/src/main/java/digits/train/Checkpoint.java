package digits.train;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import digits.io.AtomicFiles;
import digits.io.FirstLine;
import digits.io.Sha256;
import digits.model.DigitsNetwork;
import digits.model.TorchGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The state after a completed epoch, enough to continue as if never stopped: {@code model.zip}
 * (parameters and momentum buffers, DL4J's format) and {@code checkpoint.json} (the epoch and
 * iteration reached, the state of the random generator dropout draws from (PyTorch's MT19937 for
 * {@code generator: torch}, ND4J's otherwise), the epochs' metrics, and
 * the SHA-256 of the spec and of model.zip). model.zip is written first and checkpoint.json names its
 * hash, so a crash between the two writes is detected instead of pairing one epoch's weights with
 * another epoch's counters.
 */
@JsonPropertyOrder({"format", "experiment", "specSha256", "epoch", "iteration", "rngRootState", "rngNodeState",
        "torchGenerator", "modelSha256", "epochs"})
public record Checkpoint(int format, String experiment, String specSha256, int epoch, int iteration,
                         long rngRootState, long rngNodeState, TorchGenerator.State torchGenerator, String modelSha256,
                         List<EpochMetrics> epochs) {

    /** 2: with the torch generator's state. */
    public static final int FORMAT = 2;
    public static final String MODEL = "model.zip";
    public static final String FILE = "checkpoint.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Saves the network and the training position reached after {@code epochs.size()} epochs. */
    public static void save(Path runDir, MultiLayerNetwork net, String experiment, String specSha256,
                            int iteration, List<EpochMetrics> epochs) {
        Path model = runDir.resolve(MODEL);
        try {
            AtomicFiles.write(model, out -> ModelSerializer.writeModel(net, out, true));
            var rng = Nd4j.getRandom();
            TorchGenerator torch = net instanceof DigitsNetwork d ? d.torchGenerator() : null;
            Checkpoint c = new Checkpoint(FORMAT, experiment, specSha256, epochs.size(), iteration, rng.rootState(),
                    rng.nodeState(), torch == null ? null : torch.state(), Sha256.of(model), List.copyOf(epochs));
            AtomicFiles.write(runDir.resolve(FILE), JSON.writeValueAsBytes(c));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the checkpoint in " + runDir + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint of a run folder, checked against its model.zip. */
    public static Checkpoint read(Path runDir) {
        Path file = runDir.resolve(FILE);
        Path model = runDir.resolve(MODEL);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(model)) {
            throw new CheckpointException(runDir + " has no checkpoint (" + FILE + " and " + MODEL + " are written "
                    + "after each completed epoch): the run stopped before its first epoch ended; start it afresh");
        }
        Checkpoint c;
        try {
            c = JSON.readValue(file.toFile(), Checkpoint.class);
        } catch (IOException e) {
            throw new CheckpointException(file + ": unreadable checkpoint (" + FirstLine.of(e) + ")");
        }
        if (c.format() != FORMAT) {
            throw new CheckpointException(file + ": format " + c.format() + "; this version reads format " + FORMAT);
        }
        String actual = Sha256.of(model);
        if (!actual.equals(c.modelSha256())) {
            throw new CheckpointException(model + ": SHA-256 " + actual + " is not the " + c.modelSha256() + " that "
                    + file.getFileName() + " names (the run stopped while saving epoch " + (c.epoch() + 1)
                    + "); start the run afresh");
        }
        return c;
    }

    /** Loads the weights, the updater's momentum buffers and the random state into a freshly built network. */
    public void restoreInto(MultiLayerNetwork net, Path runDir) {
        MultiLayerNetwork saved;
        try {
            saved = ModelSerializer.restoreMultiLayerNetwork(runDir.resolve(MODEL).toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir.resolve(MODEL) + ": " + e.getMessage(), e);
        }
        if (saved.numParams() != net.numParams()) {
            throw new CheckpointException(runDir.resolve(MODEL) + ": " + saved.numParams() + " parameters, but the "
                    + "spec builds " + net.numParams());
        }
        net.setParams(saved.params());
        if (saved.getUpdater().getStateViewArray() != null) {
            net.getUpdater().getStateViewArray().assign(saved.getUpdater().getStateViewArray());
        }
        net.getLayerWiseConfigurations().setIterationCount(iteration);
        net.getLayerWiseConfigurations().setEpochCount(epoch);
        Nd4j.getRandom().setStates(rngRootState, rngNodeState);
        TorchGenerator torch = net instanceof DigitsNetwork d ? d.torchGenerator() : null;
        if (torch != null) {
            if (torchGenerator == null) {
                throw new CheckpointException(runDir.resolve(FILE) + " has no state of PyTorch's generator, which the "
                        + "spec draws from; start the run afresh");
            }
            torch.restore(torchGenerator);
        }
    }

    /** A checkpoint that cannot be used; the message says why and what to do. */
    public static final class CheckpointException extends RuntimeException {
        public CheckpointException(String message) {
            super(message);
        }
    }
}
