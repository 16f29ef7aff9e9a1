package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The published AutoAttack configurations (Croce and Hein 2020, reference code fra31/auto-attack).
 */
public enum AutoAttackVersion {
  /** APGD-CE, APGD-T (9 targets), FAB-T (9 targets), Square (5000 queries); one restart each. */
  @JsonProperty("standard")
  STANDARD,
  /** APGD-CE and APGD-DLR (5 restarts), FAB (5 restarts), Square, APGD-T, FAB-T. */
  @JsonProperty("plus")
  PLUS,
  /** For randomized defenses: APGD-CE and APGD-DLR with 20 EOT iterations per gradient. */
  @JsonProperty("rand")
  RAND;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
