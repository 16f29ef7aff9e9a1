package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.results.Stage;
import org.junit.jupiter.api.Test;

/** A trainer pod fails at once when it does not see the GPUs its stage requested. */
class ExpectedGpusTest {

  @Test
  void readsTheVariableTheOperatorSets() {
    assertEquals(StageJobFactory.EXPECTED_GPUS_ENV, ExpectedGpus.ENVIRONMENT_VARIABLE);
  }

  @Test
  void nothingIsCheckedOutsidePodsOrWhenTheCountsAgree() {
    assertNull(ExpectedGpus.problem(null, 3, Stage.FINETUNE));
    assertNull(ExpectedGpus.problem("0", 0, Stage.FINETUNE));
    assertNull(ExpectedGpus.problem("4", 4, Stage.PRETRAIN));
  }

  @Test
  void fewerGpusThanRequestedNameTheFieldAndTheCheck() {
    String problem = ExpectedGpus.problem("2", 0, Stage.FINETUNE);

    assertTrue(problem.contains("spec.resources.finetune.gpus is 2"), problem);
    assertTrue(problem.contains("sees 0 GPU(s)"), problem);
    assertTrue(problem.contains("arrest engine --require-gpu"), problem);
  }

  @Test
  void moreGpusThanRequestedWouldBeUsedSoTheyAreRefused() {
    String problem = ExpectedGpus.problem("0", 8, Stage.EVALUATE);

    assertTrue(problem.contains("spec.resources.evaluate.gpus is 0"), problem);
    assertTrue(problem.contains("would use them all"), problem);
  }

  @Test
  void aMalformedCountIsReported() {
    assertTrue(ExpectedGpus.problem("two", 2, Stage.EVALUATE).contains("whole number"));
  }
}
