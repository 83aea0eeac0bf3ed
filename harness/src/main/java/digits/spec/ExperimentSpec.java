package digits.spec;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One experiment, as written in {@code experiments/NAME.yaml}: what data, what network, how it is
 * trained, what it must reach and what the seed notebook reported. Travels verbatim into every report.
 */
@JsonPropertyOrder({"name", "description", "dataset", "model", "training", "acceptance", "reference"})
public record ExperimentSpec(
        String name,
        String description,
        DatasetSpec dataset,
        ModelSpec model,
        TrainingSpec training,
        AcceptanceSpec acceptance,
        ReferenceSpec reference) {

    /** Number of 10-way (or {@code classes}-way) heads the network predicts. */
    public int heads() {
        return model.output().heads();
    }

    /** Member {@code member} (from 1) of {@code training.ensemble}: this spec with that member's training. */
    public ExperimentSpec member(int member) {
        return new ExperimentSpec(name, description, dataset, model, training.member(member), acceptance, reference);
    }
}
