package dev.arrest.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.arrest.results.Stage;
import dev.arrest.trainer.attack.ExampleRandom;
import dev.arrest.trainer.attack.SquareAttack;
import dev.arrest.trainer.attack.ThreatModel;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.progress.WithinStep;
import dev.arrest.trainer.testing.LinearProblem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluator passes an attack's progress within each batch on to its progress listener. */
class EvaluationProgressTest {

  @Test
  void aListenerSeesEachBatchsProgressBetweenItsSteps() {
    try (NDManager manager = NDManager.newBaseManager()) {
      LinearProblem problem = LinearProblem.create(manager, 10, 2, 0);
      List<String> calls = new ArrayList<>();
      List<WithinStep> within = new ArrayList<>();
      ProgressListener recording =
          new ProgressListener() {
            @Override
            public void phaseStarted(Stage stage, String phase, int epoch, int epochs, int steps) {
              calls.add("start " + phase + " " + steps);
            }

            @Override
            public void stepDone(
                int step,
                long examplesDone,
                Double loss,
                double accuracy,
                Double rgkdLoss,
                Double noisyReplayRate) {
              calls.add("step " + step);
            }

            @Override
            public void withinStep(WithinStep progress) {
              if (within.isEmpty() || !calls.get(calls.size() - 1).equals("within")) {
                calls.add("within");
              }
              within.add(progress);
            }
          };
      SquareAttack square =
          SquareAttack.builder()
              .setThreatModel(ThreatModel.linf(0.01))
              .setRandom(new ExampleRandom(0))
              .optQueries(20)
              .build();
      new RobustnessEvaluator(problem.model(), problem.data(), 5, 0, recording)
          .run(List.of(PlannedAttack.of(square)), false);

      assertFalse(within.isEmpty());
      assertTrue(within.stream().allMatch(w -> w.unit().equals("queries") && w.total() == 20));
      assertTrue(within.stream().allMatch(w -> w.examples() <= 5));
      // Clean pass (2 batches, no in-batch progress), then the attack: in-batch progress before
      // each of its steps.
      int attackStart = calls.indexOf("start square 2");
      assertTrue(attackStart > 0, calls.toString());
      assertEquals(
          List.of("within", "step 1", "within", "step 2"),
          calls.subList(attackStart + 1, calls.size()),
          calls.toString());
    }
  }
}
