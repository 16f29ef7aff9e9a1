package dev.arrest.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.v1alpha1.OptimizerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  private static OptimizerSpec spec(dev.arrest.api.v1alpha1.LearningRateSchedule kind) {
    OptimizerSpec spec = new OptimizerSpec();
    spec.learningRate = 0.2;
    spec.schedule = kind;
    return spec;
  }

  @Test
  void constant() {
    LearningRateSchedule schedule =
        new LearningRateSchedule(
            spec(dev.arrest.api.v1alpha1.LearningRateSchedule.CONSTANT), 4, 10);
    assertEquals(0.2, schedule.at(0));
    assertEquals(0.2, schedule.at(39));
  }

  @Test
  void cosineStartsAtTheRateHalvesMidwayAndEndsNearZero() {
    LearningRateSchedule schedule =
        new LearningRateSchedule(spec(dev.arrest.api.v1alpha1.LearningRateSchedule.COSINE), 4, 10);
    assertEquals(0.2, schedule.at(0), 1e-12);
    assertEquals(0.1, schedule.at(20), 1e-12);
    assertEquals(0.2 * 0.5 * (1 + Math.cos(Math.PI * 39 / 40)), schedule.at(39), 1e-12);
  }

  @Test
  void piecewiseDropsByGammaAtEachMilestone() {
    OptimizerSpec spec = spec(dev.arrest.api.v1alpha1.LearningRateSchedule.PIECEWISE);
    spec.milestones = List.of(0.5, 0.75);
    spec.gamma = 0.1;
    LearningRateSchedule schedule = new LearningRateSchedule(spec, 4, 10);
    assertEquals(0.2, schedule.at(19), 1e-12);
    assertEquals(0.02, schedule.at(20), 1e-12);
    assertEquals(0.002, schedule.at(30), 1e-12);
  }
}
