package dev.arrest.trainer.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SweepPoint;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.results.Stage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunLayoutTest {
  private static final Path ROOT = Path.of("/runs/phi");
  private static final SweepPoint POINT =
      SweepPoints.point(
          ArrestTrainingDocuments.parse(
              """
              apiVersion: arrest.dev/v1alpha1
              kind: ArrestTraining
              metadata: {name: phi}
              spec:
                dataset: {name: fashion-mnist}
                model: {architecture: small-cnn}
                finetuning: {method: arrest}
                sweep: {noisyReplayThresholdDegrees: [30, 37.5]}
              """,
              "test"),
          1);

  @Test
  void aSingleRunKeepsEveryStageUnderTheRoot() {
    RunLayout layout = new RunLayout(ROOT);
    assertEquals(ROOT.resolve("pretrain/model.params"), layout.model(Stage.PRETRAIN));
    assertEquals(ROOT.resolve("finetune/checkpoints"), layout.checkpoints(Stage.FINETUNE));
    assertEquals(ROOT.resolve("evaluate/stage-result.json"), layout.stageResult(Stage.EVALUATE));
  }

  @Test
  void aPointSharesThePretrainingSpecResultsAndPlotsOfItsSweep() {
    RunLayout sweep = new RunLayout(ROOT);
    RunLayout point = sweep.forPoint(POINT);
    Path pointDirectory = ROOT.resolve("points/01-arrest-phi-37p5");

    assertEquals(sweep.model(Stage.PRETRAIN), point.model(Stage.PRETRAIN));
    assertEquals(sweep.stageResult(Stage.PRETRAIN), point.stageResult(Stage.PRETRAIN));
    assertEquals(pointDirectory.resolve("finetune/model.params"), point.model(Stage.FINETUNE));
    assertEquals(pointDirectory.resolve("finetune/epochs.csv"), point.epochLog(Stage.FINETUNE));
    assertEquals(pointDirectory.resolve("finetune/checkpoints"), point.checkpoints(Stage.FINETUNE));
    assertEquals(
        pointDirectory.resolve("evaluate/stage-result.json"), point.stageResult(Stage.EVALUATE));
    assertEquals(sweep.specFile(), point.specFile());
    assertEquals(sweep.resultsFile(), point.resultsFile());
    assertEquals(sweep.plotsDirectory(), point.plotsDirectory());
  }

  @Test
  void aPointRecordsItsPathsRelativeToTheSweepRoot() {
    RunLayout point = new RunLayout(ROOT).forPoint(POINT);
    assertEquals(
        "points/01-arrest-phi-37p5/finetune/model.params",
        point.relative(point.model(Stage.FINETUNE)));
    assertEquals("pretrain/model.params", point.relative(point.model(Stage.PRETRAIN)));
    assertEquals("/elsewhere/model.params", point.relative(Path.of("/elsewhere/model.params")));
  }
}
