package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keeps an iterative attack's native memory flat. Every iteration's arrays live in the current
 * generation's manager, which also temporarily holds the run's constants (clean images, labels) so
 * that operations on them allocate there too. {@link #advance} moves the arrays the next iteration
 * needs into a fresh generation and frees everything else.
 */
final class Generations implements AutoCloseable {
  private final NDManager scope;
  private final NDArray[] constants;
  private NDManager current;

  /**
   * @param constants arrays owned by {@code scope} that every iteration reads
   */
  Generations(NDManager scope, NDArray... constants) {
    this.scope = scope;
    this.constants = constants;
    this.current = open();
  }

  NDManager current() {
    return current;
  }

  /** Frees the current generation except {@code survivors}, which move into the next one. */
  void advance(NDArray... survivors) {
    NDManager next = scope.newSubManager();
    for (NDArray survivor : survivors) {
      survivor.attach(next);
    }
    current.close();
    next.tempAttachAll(constants);
    current = next;
  }

  @Override
  public void close() {
    current.close();
  }

  private NDManager open() {
    NDManager manager = scope.newSubManager();
    manager.tempAttachAll(constants);
    return manager;
  }
}
