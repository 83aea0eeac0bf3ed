package digits.train;

import static org.assertj.core.api.Assertions.assertThat;

import digits.spec.SpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** keepBest's choice of epoch and patience's stop, on made-up dev accuracies. */
class BestEpochTest {

    static EpochMetrics epoch(int n, double devAccuracy, Double allHeads) {
        return new EpochMetrics(n, List.of(0.1), List.of(0.9), null, List.of(0.1), List.of(0.5),
                List.of(devAccuracy), allHeads, 1, 1, 1);
    }

    @Test
    void theBestDevAccuracyWinsTheEarliestOfEquals() {
        assertThat(Trainer.bestEpoch(List.of())).isZero();
        assertThat(Trainer.bestEpoch(List.of(epoch(1, 0.9, null), epoch(2, 0.95, null), epoch(3, 0.95, null),
                epoch(4, 0.93, null)))).isEqualTo(2);
        // with several heads: every head right decides, not the first head's accuracy
        assertThat(Trainer.bestEpoch(List.of(epoch(1, 0.99, 0.80), epoch(2, 0.95, 0.85)))).isEqualTo(2);
    }

    @Test
    void patienceStopsThatManyEpochsAfterTheBest() {
        Trainer trainer = new Trainer(SpecLoader.parse(Path.of("s.yaml"), """
                name: s
                dataset: {name: mnist}
                model: {input: [1, 28, 28], layers: [{type: flatten}]}
                training: {optimizer: {type: sgd, learningRate: 0.1}, batchSize: 8, epochs: 10, keepBest: true, patience: 2}
                """), null);
        List<EpochMetrics> history = new ArrayList<>(List.of(epoch(1, 0.90, null), epoch(2, 0.95, null)));
        assertThat(trainer.patienceRunOut(history)).isFalse();
        history.add(epoch(3, 0.94, null));
        assertThat(trainer.patienceRunOut(history)).isFalse();
        history.add(epoch(4, 0.95, null)); // equal is not better
        assertThat(trainer.patienceRunOut(history)).isTrue();
    }
}
