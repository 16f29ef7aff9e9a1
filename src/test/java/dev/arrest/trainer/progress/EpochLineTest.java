package dev.arrest.trainer.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EpochTest;
import dev.arrest.results.Stage;
import org.junit.jupiter.api.Test;

class EpochLineTest {
  private static final EpochMetrics EPOCH =
      new EpochMetrics(2, 0.05, 0.4321, 0.4321, null, null, null, 0.9, null, 6000, 6.0, 1000.0);

  @Test
  void showsTheTrainingFigures() {
    assertEquals(
        "pretrain epoch 2/4: loss 0.4321, ce 0.4321, clean acc 90.00%, lr 0.05000, 6.0 s, 1000"
            + " img/s",
        EpochLine.format(Stage.PRETRAIN, 4, EPOCH));
  }

  @Test
  void appendsTheTestAccuracyOfEveryEpochWhenMeasured() {
    assertEquals(
        "pretrain epoch 2/4: loss 0.4321, ce 0.4321, clean acc 90.00%, lr 0.05000, 6.0 s, 1000"
            + " img/s; test on 1000: clean 88.10%, pgd-10 12.30% (4.2 s)",
        EpochLine.format(
            Stage.PRETRAIN, 4, EPOCH.withTest(new EpochTest(1000, 0.881, 0.123, "pgd-10", 4.2))));
    assertEquals(
        "pretrain epoch 2/4: loss 0.4321, ce 0.4321, clean acc 90.00%, lr 0.05000, 6.0 s, 1000"
            + " img/s; test on 500: clean 88.10% (0.5 s)",
        EpochLine.format(
            Stage.PRETRAIN, 4, EPOCH.withTest(new EpochTest(500, 0.881, null, null, 0.5))));
  }
}
