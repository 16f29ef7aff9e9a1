package dev.arrest.operator.metrics;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.AttackAccuracy;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingResults;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Per-training gauges, mirrored from the status after every reconciliation, and the count of
 * trainings by phase. A series exists only for a value the status holds: no accuracy before the
 * evaluation, no tradeoff score unless the evaluation reported one, no live stage values (loss,
 * throughput, progress) once the training has finished. Every series of a training is removed when
 * the training is deleted, and series that no longer apply (another stage, a renamed attack) are
 * removed when the training changes.
 */
public class TrainingMetrics {
  private static final String[] TRAINING_LABELS = {"namespace", "name", "method"};

  /**
   * Reported as the attack label of the per-example worst case over all attacks
   * (status.results.robustAccuracy).
   */
  public static final String WORST_CASE_ATTACK = "worst-case";

  /** A sweep's per-point series and its score. */
  private final PointMetrics points;

  /** Trainings started and finished, stage durations: counted from status transitions. */
  private final TrainingOutcomeMetrics outcomes;

  private final Gauge standardAccuracy;
  private final Gauge robustAccuracy;
  private final Gauge tradeoffScore;
  private final Gauge phase;
  private final Gauge trainings;

  /**
   * Live values of the running stage, from the trainer's latest progress line (status.progress),
   * labelled with the stage; by metric name. Each series exists while the status holds its value.
   */
  private final Map<String, StageGauge> stageGauges = new LinkedHashMap<>();

  private record StageGauge(Gauge gauge, Function<TrainingProgress, Double> value) {}

  /** Label values emitted per training, to remove exactly those later. Guarded by this. */
  private final Map<String, Emitted> emitted = new HashMap<>();

  /** stages: metric name of a stage gauge → the stage label of its series. */
  private record Emitted(
      String namespace,
      String name,
      String method,
      TrainingPhase phase,
      Set<String> attacks,
      Map<String, String> stages,
      boolean standard,
      boolean tradeoff) {}

  public TrainingMetrics(CollectorRegistry registry) {
    points = new PointMetrics(registry);
    outcomes = new TrainingOutcomeMetrics(registry);
    standardAccuracy =
        Gauge.build(
                "arrest_training_standard_accuracy",
                "Clean test accuracy of the finetuned model, a fraction in [0, 1].")
            .labelNames(TRAINING_LABELS)
            .register(registry);
    robustAccuracy =
        Gauge.build(
                "arrest_training_robust_accuracy",
                "Robust test accuracy under one attack, a fraction in [0, 1]; attack=\""
                    + WORST_CASE_ATTACK
                    + "\" is the per-example worst case over all attacks.")
            .labelNames("namespace", "name", "method", "attack")
            .register(registry);
    tradeoffScore =
        Gauge.build(
                "arrest_training_tradeoff_score",
                "Tradeoff score: signed distance in percentage points from the reference tradeoff"
                    + " curve, positive when better; only when the evaluation reports one.")
            .labelNames(TRAINING_LABELS)
            .register(registry);
    phase =
        Gauge.build(
                "arrest_training_phase", "1 for the training's current phase, 0 for the others.")
            .labelNames("namespace", "name", "method", "phase")
            .register(registry);
    stageGauge(
        registry,
        "arrest_training_stage_progress_ratio",
        "Progress of the training's current stage, a fraction in [0, 1].",
        p -> p.fraction);
    stageGauge(
        registry,
        "arrest_training_loss",
        "Latest training loss of the running stage, as the trainer reports it in its progress"
            + " lines.",
        p -> p.loss);
    stageGauge(
        registry,
        "arrest_training_rgkd_loss",
        "Latest unweighted RGKD distance of the running finetuning stage (arrest only).",
        p -> p.rgkdLoss);
    stageGauge(
        registry,
        "arrest_training_noisy_replay_rate",
        "Latest noisy replay switch rate: the fraction of examples trained on as noisy instead of"
            + " adversarial (arrest only).",
        p -> p.noisyReplayRate);
    stageGauge(
        registry,
        "arrest_training_accuracy",
        "Latest accuracy on the training batches of the running stage, a fraction in [0, 1].",
        p -> p.accuracy);
    stageGauge(
        registry,
        "arrest_training_images_per_second",
        "Trainer throughput of the running stage: training images per second.",
        p -> p.imagesPerSecond);
    stageGauge(
        registry,
        "arrest_training_eta_seconds",
        "Estimated seconds until the running stage ends.",
        p -> p.etaSeconds);
    trainings =
        Gauge.build("arrest_trainings", "Number of ArrestTrainings by phase.")
            .labelNames("phase")
            .register(registry);
    for (TrainingPhase value : TrainingPhase.values()) {
      trainings.labels(value.toString()).set(0);
    }
  }

  private void stageGauge(
      CollectorRegistry registry,
      String name,
      String help,
      Function<TrainingProgress, Double> value) {
    Gauge gauge =
        Gauge.build(name, help)
            .labelNames("namespace", "name", "method", "stage")
            .register(registry);
    stageGauges.put(name, new StageGauge(gauge, value));
  }

  /** Mirrors the training's status into its series. */
  public synchronized void update(ArrestTraining training) {
    String namespace = training.getMetadata().getNamespace();
    String name = training.getMetadata().getName();
    String key = namespace + "/" + name;
    ArrestTrainingStatus status = training.getStatus();
    if (status == null || status.phase == null) {
      remove(namespace, name);
      return;
    }
    String method = methodOf(training);
    outcomes.known(namespace, method);
    points.update(key, namespace, name, method, status);
    Emitted previous = emitted.get(key);
    if (previous != null && !previous.method().equals(method)) {
      removeSeries(previous);
      previous = null;
    }

    for (TrainingPhase value : TrainingPhase.values()) {
      phase.labels(namespace, name, method, value.toString()).set(value == status.phase ? 1 : 0);
    }

    Map<String, String> stages = new HashMap<>();
    // Live values belong to a running stage: a finished training keeps its outcome series (phase,
    // results) but none of these, so that finished trainings do not pile up on /metrics.
    TrainingProgress progress = status.phase.isFinal() ? null : status.progress;
    for (Map.Entry<String, StageGauge> entry : stageGauges.entrySet()) {
      StageGauge stageGauge = entry.getValue();
      Double value =
          progress != null && progress.stage != null ? stageGauge.value().apply(progress) : null;
      String stage = value != null ? progress.stage : null;
      String before = previous != null ? previous.stages().get(entry.getKey()) : null;
      if (before != null && !before.equals(stage)) {
        stageGauge.gauge().remove(namespace, name, method, before);
      }
      if (stage != null) {
        stageGauge.gauge().labels(namespace, name, method, stage).set(value);
        stages.put(entry.getKey(), stage);
      }
    }

    TrainingResults results = status.results;
    Set<String> attacks = new HashSet<>();
    boolean standard = results != null && results.standardAccuracy != null;
    boolean tradeoff = results != null && results.tradeoffScore != null;
    if (standard) {
      standardAccuracy.labels(namespace, name, method).set(results.standardAccuracy);
    } else if (previous != null && previous.standard()) {
      standardAccuracy.remove(namespace, name, method);
    }
    if (tradeoff) {
      tradeoffScore.labels(namespace, name, method).set(results.tradeoffScore);
    } else if (previous != null && previous.tradeoff()) {
      tradeoffScore.remove(namespace, name, method);
    }
    if (results != null && results.robustAccuracy != null) {
      robustAccuracy.labels(namespace, name, method, WORST_CASE_ATTACK).set(results.robustAccuracy);
      attacks.add(WORST_CASE_ATTACK);
      for (AttackAccuracy attack :
          results.attacks == null ? List.<AttackAccuracy>of() : results.attacks) {
        if (attack.name != null && attack.robustAccuracy != null) {
          robustAccuracy.labels(namespace, name, method, attack.name).set(attack.robustAccuracy);
          attacks.add(attack.name);
        }
      }
    }
    if (previous != null) {
      for (String attack : previous.attacks()) {
        if (!attacks.contains(attack)) {
          robustAccuracy.remove(namespace, name, method, attack);
        }
      }
    }
    emitted.put(
        key,
        new Emitted(namespace, name, method, status.phase, attacks, stages, standard, tradeoff));
    recount();
  }

  /**
   * Counts what changed from {@code before} (the status before a reconciliation) to the training's
   * status, once the operator has stored the latter: a training started or finished, stages ended.
   */
  public synchronized void recordTransition(ArrestTraining training, ArrestTrainingStatus before) {
    outcomes.record(
        training.getMetadata().getNamespace(), methodOf(training), before, training.getStatus());
  }

  /** Removes every series of a deleted training. */
  public synchronized void remove(String namespace, String name) {
    points.remove(namespace + "/" + name);
    Emitted previous = emitted.remove(namespace + "/" + name);
    if (previous != null) {
      removeSeries(previous);
      recount();
    }
  }

  private void removeSeries(Emitted series) {
    String ns = series.namespace();
    String name = series.name();
    String method = series.method();
    for (TrainingPhase value : TrainingPhase.values()) {
      phase.remove(ns, name, method, value.toString());
    }
    series
        .stages()
        .forEach(
            (metric, stage) -> stageGauges.get(metric).gauge().remove(ns, name, method, stage));
    if (series.standard()) {
      standardAccuracy.remove(ns, name, method);
    }
    if (series.tradeoff()) {
      tradeoffScore.remove(ns, name, method);
    }
    for (String attack : series.attacks()) {
      robustAccuracy.remove(ns, name, method, attack);
    }
  }

  private void recount() {
    Map<TrainingPhase, Integer> counts = new EnumMap<>(TrainingPhase.class);
    for (Emitted series : emitted.values()) {
      counts.merge(series.phase(), 1, Integer::sum);
    }
    for (TrainingPhase value : TrainingPhase.values()) {
      trainings.labels(value.toString()).set(counts.getOrDefault(value, 0));
    }
  }

  /**
   * The finetuning method; for a sweep over methods, the methods it compares, e.g. {@code
   * at,trades,arrest}.
   */
  private static String methodOf(ArrestTraining training) {
    if (training.getSpec() == null || training.getSpec().finetuning == null) {
      return "unknown";
    }
    if (training.getSpec().sweep != null && training.getSpec().sweep.methods != null) {
      return String.join(
          ",", training.getSpec().sweep.methods.stream().map(String::valueOf).toList());
    }
    return Objects.toString(training.getSpec().finetuning.method, "unknown");
  }
}
