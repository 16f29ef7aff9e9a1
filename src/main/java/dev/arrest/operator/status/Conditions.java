package dev.arrest.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Optional;

/**
 * metav1.Condition bookkeeping: lastTransitionTime moves only when a condition's status changes.
 */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String FAILED = "Failed";
  public static final String SPEC_APPLIED = "SpecApplied";

  private Conditions() {}

  public static void set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      String now) {
    String value = status ? "True" : "False";
    Optional<Condition> existing = find(conditions, type);
    String transition =
        existing
            .filter(c -> value.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(now);
    Condition condition =
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message == null ? "" : message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build();
    existing.ifPresentOrElse(
        c -> conditions.set(conditions.indexOf(c), condition), () -> conditions.add(condition));
  }

  /** Ready False, Progressing True and Failed False, all with {@code reason}: not finished. */
  public static void running(
      List<Condition> conditions, String reason, String message, Long generation, String now) {
    set(
        conditions,
        READY,
        false,
        reason,
        "the training has not finished: " + message,
        generation,
        now);
    set(conditions, PROGRESSING, true, reason, message, generation, now);
    set(conditions, FAILED, false, reason, "no failure", generation, now);
  }

  /** Ready and Failed as the outcome says, Progressing False, all with {@code reason}. */
  public static void finished(
      List<Condition> conditions,
      boolean succeeded,
      String reason,
      String message,
      Long generation,
      String now) {
    set(conditions, READY, succeeded, reason, message, generation, now);
    set(conditions, PROGRESSING, false, reason, message, generation, now);
    set(
        conditions,
        FAILED,
        !succeeded,
        reason,
        succeeded ? "no failure" : message,
        generation,
        now);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
