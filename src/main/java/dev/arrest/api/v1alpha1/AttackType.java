package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Evaluation attacks. */
public enum AttackType {
  /** L-infinity PGD on cross-entropy with random start and restarts. */
  @JsonProperty("pgd")
  PGD,
  /** APGD on cross-entropy (Croce and Hein 2020). */
  @JsonProperty("apgd-ce")
  APGD_CE,
  /** APGD on the difference-of-logits-ratio loss; needs at least 3 classes. */
  @JsonProperty("apgd-dlr")
  APGD_DLR,
  /** APGD on the targeted DLR loss, one run per target class; needs at least 4 classes. */
  @JsonProperty("apgd-t")
  APGD_T,
  /** FAB, the untargeted minimum-norm attack (Croce and Hein 2020). */
  @JsonProperty("fab")
  FAB,
  /** FAB towards each of the top target classes. */
  @JsonProperty("fab-t")
  FAB_T,
  /** Square, the score-based black-box random search (Andriushchenko et al. 2020). */
  @JsonProperty("square")
  SQUARE,
  /** The AutoAttack ensemble of one of its published versions. */
  @JsonProperty("autoattack")
  AUTOATTACK;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
