package dev.arrest.operator;

import dev.arrest.operator.policy.TrainingPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * What the reconciler needs from the operator's configuration (flags or environment, see {@link
 * ArrestOperator}).
 *
 * @param trainerImage image of trainings that do not set spec.image
 * @param defaultClaimName PersistentVolumeClaim of trainings that do not set
 *     spec.storage.claimName; may be null
 * @param progressInterval how often a running stage's pod log is read for progress
 * @param trainerUserId user and group id the trainer containers run as (restricted Pod Security
 *     needs a non-root id)
 * @param trainerReadOnlyRootFilesystem whether trainer containers get a read-only root filesystem
 *     (they always get a writable emptyDir at /tmp); the trainer image has its native libraries in
 *     place, so only custom images that unpack files at run time outside /tmp and /workspace need
 *     false
 * @param policy what a training may ask for in spec.image, storage and scheduling
 */
public record OperatorSettings(
    String trainerImage,
    String defaultClaimName,
    Duration progressInterval,
    long trainerUserId,
    boolean trainerReadOnlyRootFilesystem,
    TrainingPolicy policy) {

  public static final String DEFAULT_TRAINER_IMAGE = "arrest-trainer:0.1.0";
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(15);
  public static final long DEFAULT_TRAINER_USER_ID = 1000;

  public OperatorSettings {
    Objects.requireNonNull(trainerImage, "trainerImage");
    Objects.requireNonNull(progressInterval, "progressInterval");
    Objects.requireNonNull(policy, "policy");
    if (defaultClaimName != null && defaultClaimName.isBlank()) {
      defaultClaimName = null;
    }
    if (trainerUserId < 1) {
      throw new IllegalArgumentException(
          "trainerUserId: must be a non-root id (>= 1), found " + trainerUserId);
    }
  }

  /** Settings with the default policy ({@link TrainingPolicy#DEFAULT}). */
  public OperatorSettings(
      String trainerImage,
      String defaultClaimName,
      Duration progressInterval,
      long trainerUserId,
      boolean trainerReadOnlyRootFilesystem) {
    this(
        trainerImage,
        defaultClaimName,
        progressInterval,
        trainerUserId,
        trainerReadOnlyRootFilesystem,
        TrainingPolicy.DEFAULT);
  }

  /** Settings with a read-only root filesystem for the trainers. */
  public OperatorSettings(
      String trainerImage, String defaultClaimName, Duration progressInterval, long trainerUserId) {
    this(trainerImage, defaultClaimName, progressInterval, trainerUserId, true);
  }

  public static OperatorSettings defaults() {
    return new OperatorSettings(
        DEFAULT_TRAINER_IMAGE, null, DEFAULT_PROGRESS_INTERVAL, DEFAULT_TRAINER_USER_ID);
  }

  public OperatorSettings withDefaultClaimName(String claimName) {
    return new OperatorSettings(
        trainerImage,
        claimName,
        progressInterval,
        trainerUserId,
        trainerReadOnlyRootFilesystem,
        policy);
  }

  public OperatorSettings withProgressInterval(Duration interval) {
    return new OperatorSettings(
        trainerImage,
        defaultClaimName,
        interval,
        trainerUserId,
        trainerReadOnlyRootFilesystem,
        policy);
  }

  public OperatorSettings withTrainerReadOnlyRootFilesystem(boolean readOnly) {
    return new OperatorSettings(
        trainerImage, defaultClaimName, progressInterval, trainerUserId, readOnly, policy);
  }

  public OperatorSettings withPolicy(TrainingPolicy newPolicy) {
    return new OperatorSettings(
        trainerImage,
        defaultClaimName,
        progressInterval,
        trainerUserId,
        trainerReadOnlyRootFilesystem,
        newPolicy);
  }
}
