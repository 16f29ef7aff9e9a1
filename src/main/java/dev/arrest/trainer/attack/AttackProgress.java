package dev.arrest.trainer.attack;

import dev.arrest.trainer.progress.WithinStep;

/**
 * Receives an attack's progress on one batch from {@link RestartingAttack}: after every iteration
 * (query for Square) of every run. Receivers throttle what they show.
 */
@FunctionalInterface
public interface AttackProgress {
  void update(WithinStep progress);

  AttackProgress NONE = progress -> {};
}
