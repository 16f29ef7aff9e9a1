package dev.arrest.trainer.progress;

/**
 * Progress inside one step of a phase, for steps long enough to need it: an attack's iterations
 * (queries for Square) on one batch of the evaluation, over all its target classes and restarts.
 *
 * @param unit what is counted, e.g. {@code iterations} or {@code queries}
 * @param done units done so far in this step
 * @param total units the step takes at most (it ends early once no example is left to attack)
 * @param stillRobust examples of the step's batch not yet broken
 * @param examples examples in the step's batch
 */
public record WithinStep(String unit, long done, long total, int stillRobust, int examples) {

  public WithinStep {
    if (done < 0 || total < 1 || done > total || stillRobust < 0 || stillRobust > examples) {
      throw new IllegalArgumentException(
          "within-step progress needs 0 <= done <= total, total >= 1 and 0 <= stillRobust <="
              + " examples; found "
              + done
              + "/"
              + total
              + ", "
              + stillRobust
              + "/"
              + examples);
    }
  }

  /** Share of the step done, in [0, 1]. */
  public double fraction() {
    return (double) done / total;
  }
}
