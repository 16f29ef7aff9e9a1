package dev.arrest.api.spec;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.ArrestVariant;
import dev.arrest.api.v1alpha1.AttackSpec;
import dev.arrest.api.v1alpha1.AwpSpec;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.FinetuningSpec;
import dev.arrest.api.v1alpha1.Initialization;
import dev.arrest.api.v1alpha1.LearningRateSchedule;
import dev.arrest.api.v1alpha1.OptimizerSpec;
import dev.arrest.api.v1alpha1.ScratchTrainingSpec;
import dev.arrest.api.v1alpha1.SweepSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Expands {@code spec.sweep} into points (docs/sweeps.md). Shared by the CLI and the operator, so
 * both run the same points under the same ids and names.
 *
 * <p>Points: for each method (the sweep's {@code methods}, else {@code spec.finetuning.method}), in
 * the order listed, and for arrest each of its {@code arrestVariants}, the cartesian product of the
 * lists that affect it, in the order epsilons, phi, lambda, beta, AWP gamma, the last varying
 * fastest. A list never multiplies the points of a method it has no effect on: {@code methods: [at,
 * trades]} with three {@code tradesBetas} gives four points, not six.
 *
 * <p>Labels name the method (or arrest variant), then {@code +awp} when the point trains with
 * adversarial weight perturbation, then the swept values, e.g. {@code arrest+awp phi=30}; gamma is
 * named only when {@code awpGammas} lists more than one non-zero value.
 */
public final class SweepPoints {
  private static final int MAX_SLUG_LENGTH = 40;

  private SweepPoints() {}

  /**
   * How one swept value changes a point's spec; records each field it sets in {@code overrides}.
   */
  private interface Override {
    void apply(ArrestTrainingSpec spec, double value, Map<String, Object> overrides);
  }

  /**
   * One list of the sweep as it applies to a method: values, the override it makes, and what a
   * value adds to a point's label (null for nothing).
   */
  private record Axis(List<Double> values, Override override, Function<Double, String> label) {

    /** An axis whose values are labelled name=value. */
    static Axis named(String name, List<Double> values, Override override) {
      return new Axis(values, override, value -> name + "=" + number(value));
    }
  }

  /**
   * What a group of points trains: a method and, for arrest points of a sweep that lists {@code
   * arrestVariants}, the variant (else null: the spec's own rgkd and noisyReplay switches).
   */
  private record Kind(FinetuningMethod method, ArrestVariant variant) {
    boolean usesNoisyReplay(ArrestTrainingSpec spec) {
      return method == FinetuningMethod.ARREST
          && (variant != null ? variant.noisyReplay() : spec.finetuning.noisyReplay.enabled);
    }

    boolean usesRgkd(ArrestTrainingSpec spec) {
      return method == FinetuningMethod.ARREST
          && (variant != null ? variant.rgkd() : spec.finetuning.rgkd.enabled);
    }

    String label() {
      return variant != null ? variant.toString() : method.toString();
    }
  }

  /** The sweep's points, in id order. */
  public static List<SweepPoint> expand(ArrestTraining training) {
    ArrestTrainingSpec spec = training.getSpec();
    if (spec.sweep == null) {
      throw new IllegalArgumentException("spec.sweep: this training is not a sweep");
    }
    List<String> problems = problems(spec);
    if (!problems.isEmpty()) {
      throw new SpecException(training.getMetadata().getName(), problems);
    }
    List<SweepPoint> points = new ArrayList<>();
    for (Kind kind : kinds(spec)) {
      List<Axis> axes = axes(spec, kind);
      for (List<Double> values : product(axes)) {
        points.add(point(training, points.size(), kind, axes, values));
      }
    }
    return points;
  }

  /** The point with this id; the error names the valid ids. */
  public static SweepPoint point(ArrestTraining training, int id) {
    List<SweepPoint> points = expand(training);
    if (id < 0 || id >= points.size()) {
      throw new IllegalArgumentException(
          "no sweep point "
              + id
              + ": the sweep has points 0 to "
              + (points.size() - 1)
              + " ("
              + points.stream().map(p -> p.id() + " " + p.label()).collect(Collectors.joining(", "))
              + ")");
    }
    return points.get(id);
  }

  /**
   * Whether any run of this training (its one run, or any point of its sweep) finetunes a
   * pretrained model.
   */
  public static boolean needsPretrainedModel(ArrestTraining training) {
    if (training.getSpec().sweep == null) {
      return training.getSpec().finetuning.effectiveInitialization() == Initialization.PRETRAINED;
    }
    return expand(training).stream()
        .anyMatch(
            p ->
                p.training().getSpec().finetuning.effectiveInitialization()
                    == Initialization.PRETRAINED);
  }

  /**
   * What makes the sweep unusable, each starting with the field path; empty when it expands.
   * Field-level bounds (e.g. phi in (0, 180]) are checked by {@link SpecValidator} before this.
   */
  static List<String> problems(ArrestTrainingSpec spec) {
    SweepSpec sweep = spec.sweep;
    List<String> problems = new ArrayList<>();
    if (sweep.methods == null
        && sweep.noisyReplayThresholdDegrees == null
        && sweep.rgkdWeights == null
        && sweep.epsilons == null
        && sweep.tradesBetas == null
        && sweep.arrestVariants == null
        && sweep.awpGammas == null) {
      problems.add(
          "spec.sweep: list values for at least one of methods, noisyReplayThresholdDegrees,"
              + " rgkdWeights, epsilons, tradesBetas, arrestVariants, awpGammas (or remove"
              + " spec.sweep for a single run)");
      return problems;
    }
    checkDistinct("methods", sweep.methods, problems);
    checkDistinct("noisyReplayThresholdDegrees", sweep.noisyReplayThresholdDegrees, problems);
    checkDistinct("rgkdWeights", sweep.rgkdWeights, problems);
    checkDistinct("epsilons", sweep.epsilons, problems);
    checkDistinct("tradesBetas", sweep.tradesBetas, problems);
    checkDistinct("arrestVariants", sweep.arrestVariants, problems);
    checkDistinct("awpGammas", sweep.awpGammas, problems);
    List<FinetuningMethod> methods = methods(spec);
    List<Kind> kinds = kinds(spec);
    if (sweep.arrestVariants != null) {
      checkApplies("arrestVariants", "them", FinetuningMethod.ARREST, methods, problems);
    }
    if (sweep.noisyReplayThresholdDegrees != null) {
      checkApplies(
          "noisyReplayThresholdDegrees", "phi", FinetuningMethod.ARREST, methods, problems);
      if (methods.contains(FinetuningMethod.ARREST)
          && kinds.stream().noneMatch(k -> k.usesNoisyReplay(spec))) {
        problems.add(
            "spec.sweep.noisyReplayThresholdDegrees: no arrest point uses noisy replay ("
                + (sweep.arrestVariants != null
                    ? "spec.sweep.arrestVariants has no variant with it"
                    : "spec.finetuning.noisyReplay.enabled is false")
                + "), so phi has no effect");
      }
    }
    if (sweep.rgkdWeights != null) {
      checkApplies("rgkdWeights", "lambda", FinetuningMethod.ARREST, methods, problems);
      if (methods.contains(FinetuningMethod.ARREST)
          && kinds.stream().noneMatch(k -> k.usesRgkd(spec))) {
        problems.add(
            "spec.sweep.rgkdWeights: no arrest point uses RGKD ("
                + (sweep.arrestVariants != null
                    ? "spec.sweep.arrestVariants has no variant with it"
                    : "spec.finetuning.rgkd.enabled is false")
                + "), so lambda has no effect");
      }
    }
    if (sweep.tradesBetas != null) {
      checkApplies("tradesBetas", "beta", FinetuningMethod.TRADES, methods, problems);
    }
    if (sweep.fromScratch != null
        && kinds.stream()
            .noneMatch(k -> initialization(spec, k.method()) == Initialization.SCRATCH)) {
      problems.add(
          "spec.sweep.fromScratch: no point trains from scratch (at and trades do unless"
              + " spec.finetuning.initialization is pretrained), so it has no effect");
    }
    if (sweep.fromScratch != null
        && sweep.fromScratch.epochs == null
        && sweep.fromScratch.optimizer == null
        && sweep.fromScratch.awp == null) {
      problems.add("spec.sweep.fromScratch: set epochs, optimizer, awp or several of them");
    }
    long count = kinds.stream().mapToLong(k -> pointCount(spec, k)).sum();
    if (count > SweepSpec.MAX_POINTS) {
      problems.add(
          "spec.sweep: "
              + count
              + " points, more than the limit of "
              + SweepSpec.MAX_POINTS
              + " (each method gets the product of the lists that apply to it); list fewer values"
              + " or split the sweep");
    }
    TradeoffSpec tradeoff = spec.evaluation.tradeoff;
    if (tradeoff != null && tradeoff.fromSweepMethods != null) {
      checkReferenceMethods(spec, tradeoff, methods, count, problems);
    }
    return problems;
  }

  private static void checkReferenceMethods(
      ArrestTrainingSpec spec,
      TradeoffSpec tradeoff,
      List<FinetuningMethod> methods,
      long count,
      List<String> problems) {
    String field = "spec.evaluation.tradeoff.fromSweepMethods";
    long referencePoints = 0;
    for (FinetuningMethod method : new LinkedHashSet<>(tradeoff.fromSweepMethods)) {
      if (!methods.contains(method)) {
        problems.add(
            field
                + ": "
                + method
                + " has no point in the sweep (its methods: "
                + join(methods)
                + ")");
      } else {
        referencePoints +=
            kinds(spec).stream()
                .filter(k -> k.method() == method)
                .mapToLong(k -> pointCount(spec, k))
                .sum();
      }
    }
    if (referencePoints > 0 && referencePoints < tradeoff.degree + 1) {
      problems.add(
          field
              + ": a degree-"
              + tradeoff.degree
              + " reference curve needs at least "
              + (tradeoff.degree + 1)
              + " points of "
              + join(tradeoff.fromSweepMethods)
              + "; the sweep has "
              + referencePoints
              + " (add values,"
              + " e.g. tradesBetas, or lower spec.evaluation.tradeoff.degree)");
    }
    if (referencePoints == count) {
      problems.add(
          field
              + ": every point of the sweep would be a reference point, so none would be scored;"
              + " add a method to score (e.g. arrest)");
    }
  }

  /** The methods the sweep's points use, in order. */
  private static List<FinetuningMethod> methods(ArrestTrainingSpec spec) {
    return spec.sweep.methods != null ? spec.sweep.methods : List.of(spec.finetuning.method);
  }

  /** The methods, with arrest split into its variants when the sweep lists them. */
  private static List<Kind> kinds(ArrestTrainingSpec spec) {
    List<Kind> kinds = new ArrayList<>();
    for (FinetuningMethod method : methods(spec)) {
      if (method == FinetuningMethod.ARREST && spec.sweep.arrestVariants != null) {
        spec.sweep.arrestVariants.forEach(variant -> kinds.add(new Kind(method, variant)));
      } else {
        kinds.add(new Kind(method, null));
      }
    }
    return kinds;
  }

  /** A method's initialization in this spec: the spec's own, else the method's default. */
  private static Initialization initialization(ArrestTrainingSpec spec, FinetuningMethod method) {
    FinetuningSpec probe = new FinetuningSpec();
    probe.method = method;
    probe.initialization = spec.finetuning.initialization;
    return probe.effectiveInitialization();
  }

  private static long pointCount(ArrestTrainingSpec spec, Kind kind) {
    long count = 1;
    for (Axis axis : axes(spec, kind)) {
      count = Math.min(count * axis.values().size(), Integer.MAX_VALUE);
    }
    return count;
  }

  private static List<Axis> axes(ArrestTrainingSpec spec, Kind kind) {
    SweepSpec sweep = spec.sweep;
    FinetuningMethod method = kind.method();
    List<Axis> axes = new ArrayList<>();
    if (sweep.epsilons != null) {
      axes.add(Axis.named("eps", sweep.epsilons, SweepPoints::applyEpsilon));
    }
    if (kind.usesNoisyReplay(spec) && sweep.noisyReplayThresholdDegrees != null) {
      axes.add(
          Axis.named(
              "phi",
              sweep.noisyReplayThresholdDegrees,
              (s, value, overrides) -> {
                s.finetuning.noisyReplay.thresholdDegrees = value;
                overrides.put("finetuning.noisyReplay.thresholdDegrees", value);
              }));
    }
    if (kind.usesRgkd(spec) && sweep.rgkdWeights != null) {
      axes.add(
          Axis.named(
              "lambda",
              sweep.rgkdWeights,
              (s, value, overrides) -> {
                s.finetuning.rgkd.weight = value;
                overrides.put("finetuning.rgkd.weight", value);
              }));
    }
    if (method == FinetuningMethod.TRADES && sweep.tradesBetas != null) {
      axes.add(
          Axis.named(
              "beta",
              sweep.tradesBetas,
              (s, value, overrides) -> {
                s.finetuning.tradesBeta = value;
                overrides.put("finetuning.tradesBeta", value);
              }));
    }
    if (sweep.awpGammas != null) {
      // "+awp" in the label says whether a point has AWP; gamma only tells apart several sizes.
      boolean severalSizes = sweep.awpGammas.stream().filter(g -> g > 0).count() > 1;
      axes.add(
          new Axis(
              sweep.awpGammas,
              SweepPoints::applyAwpGamma,
              value -> severalSizes && value > 0 ? "gamma=" + number(value) : null));
    }
    return axes;
  }

  /**
   * Sets the training budget. Step sizes written explicitly were chosen for the spec's epsilon, so
   * they keep their ratio to it; so do those of evaluation attacks whose budget follows the
   * training epsilon.
   */
  private static void applyEpsilon(
      ArrestTrainingSpec spec, double epsilon, Map<String, Object> overrides) {
    AttackSpec attack = spec.finetuning.attack;
    double scale = epsilon / attack.epsilon;
    attack.epsilon = epsilon;
    overrides.put("finetuning.attack.epsilon", epsilon);
    if (attack.stepSize != null) {
      attack.stepSize *= scale;
      overrides.put("finetuning.attack.stepSize", attack.stepSize);
    }
    if (spec.evaluation.epsilon != null) {
      return;
    }
    List<EvaluationAttackSpec> attacks = spec.evaluation.attacks;
    for (int i = 0; i < attacks.size(); i++) {
      EvaluationAttackSpec evaluationAttack = attacks.get(i);
      if (evaluationAttack.epsilon == null && evaluationAttack.stepSize != null) {
        evaluationAttack.stepSize *= scale;
        overrides.put("evaluation.attacks[" + i + "].stepSize", evaluationAttack.stepSize);
      }
    }
  }

  private static void applyAwpGamma(
      ArrestTrainingSpec spec, double gamma, Map<String, Object> overrides) {
    if (spec.finetuning.awp == null) {
      spec.finetuning.awp = new AwpSpec();
    }
    spec.finetuning.awp.gamma = gamma;
    overrides.put("finetuning.awp.gamma", gamma);
  }

  /**
   * Every combination of one value per axis, the last axis varying fastest; one empty combination
   * for no axes.
   */
  private static List<List<Double>> product(List<Axis> axes) {
    List<List<Double>> combinations = List.of(List.of());
    for (Axis axis : axes) {
      List<List<Double>> extended = new ArrayList<>();
      for (List<Double> prefix : combinations) {
        for (Double value : axis.values()) {
          List<Double> combination = new ArrayList<>(prefix);
          combination.add(value);
          extended.add(combination);
        }
      }
      combinations = extended;
    }
    return combinations;
  }

  private static SweepPoint point(
      ArrestTraining sweep, int id, Kind kind, List<Axis> axes, List<Double> values) {
    ArrestTraining training = ArrestTrainingDocuments.copy(sweep);
    ArrestTrainingSpec spec = training.getSpec();
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (spec.sweep.methods != null) {
      spec.finetuning.method = kind.method();
      overrides.put("finetuning.method", kind.method().toString());
    }
    if (kind.variant() != null) {
      spec.finetuning.rgkd.enabled = kind.variant().rgkd();
      spec.finetuning.noisyReplay.enabled = kind.variant().noisyReplay();
      overrides.put("finetuning.rgkd.enabled", kind.variant().rgkd());
      overrides.put("finetuning.noisyReplay.enabled", kind.variant().noisyReplay());
    }
    ScratchTrainingSpec scratch = spec.sweep.fromScratch;
    if (scratch != null && spec.finetuning.effectiveInitialization() == Initialization.SCRATCH) {
      if (scratch.epochs != null) {
        spec.finetuning.epochs = scratch.epochs;
        overrides.put("finetuning.epochs", scratch.epochs);
      }
      if (scratch.optimizer != null) {
        OptimizerSpec optimizer = scratch.optimizer;
        spec.finetuning.optimizer = optimizer;
        // Scalars only, so that the operator's status can show them as strings.
        overrides.put("finetuning.optimizer.learningRate", optimizer.learningRate);
        overrides.put("finetuning.optimizer.momentum", optimizer.momentum);
        overrides.put("finetuning.optimizer.weightDecay", optimizer.weightDecay);
        overrides.put("finetuning.optimizer.nesterov", optimizer.nesterov);
        overrides.put("finetuning.optimizer.schedule", optimizer.schedule.toString());
        if (optimizer.schedule == LearningRateSchedule.PIECEWISE) {
          overrides.put("finetuning.optimizer.milestones", optimizer.milestonesOrDefault());
          overrides.put("finetuning.optimizer.gamma", optimizer.gamma);
        }
      }
      if (scratch.awp != null) {
        spec.finetuning.awp = scratch.awp.copy();
        overrides.put("finetuning.awp.gamma", scratch.awp.gamma);
        overrides.put("finetuning.awp.warmupEpochs", scratch.awp.warmupEpochs);
        overrides.put("finetuning.awp.steps", scratch.awp.steps);
      }
    }
    List<String> swept = new ArrayList<>();
    for (int i = 0; i < axes.size(); i++) {
      axes.get(i).override().apply(spec, values.get(i), overrides);
      String part = axes.get(i).label().apply(values.get(i));
      if (part != null) {
        swept.add(part);
      }
    }
    StringBuilder label = new StringBuilder(kind.label());
    if (spec.finetuning.awp != null && spec.finetuning.awp.gamma > 0) {
      label.append("+awp");
    }
    swept.forEach(part -> label.append(' ').append(part));
    spec.sweep = null;
    // Scoring against the sweep's own points happens once all are evaluated, not in a point's
    // evaluation.
    if (spec.evaluation.tradeoff != null && spec.evaluation.tradeoff.fromSweepMethods != null) {
      spec.evaluation.tradeoff = null;
    }
    return new SweepPoint(id, label.toString(), slug(label.toString()), overrides, training);
  }

  /** Six significant digits without trailing zeros: 30, 37.5, 0.0313725. */
  static String number(double value) {
    return BigDecimal.valueOf(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** Lower-case letters, digits and single dashes (DNS-label safe); a decimal point becomes 'p'. */
  static String slug(String label) {
    String slug =
        label
            .toLowerCase(Locale.ROOT)
            .replace('.', 'p')
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-+|-+$", "");
    if (slug.length() > MAX_SLUG_LENGTH) {
      slug = slug.substring(0, MAX_SLUG_LENGTH).replaceAll("-+$", "");
    }
    return slug;
  }

  private static void checkApplies(
      String field,
      String name,
      FinetuningMethod user,
      List<FinetuningMethod> methods,
      List<String> problems) {
    if (!methods.contains(user)) {
      problems.add(
          "spec.sweep."
              + field
              + ": only "
              + user
              + " uses "
              + name
              + ", and the sweep has no "
              + user
              + " point (its methods: "
              + join(methods)
              + ")");
    }
  }

  private static <T> void checkDistinct(String field, List<T> values, List<String> problems) {
    if (values == null) {
      return;
    }
    Set<T> seen = new HashSet<>();
    for (T value : values) {
      if (!seen.add(value)) {
        problems.add(
            "spec.sweep."
                + field
                + ": "
                + (value instanceof Double d ? number(d) : value)
                + " is listed twice");
      }
    }
  }

  private static String join(List<FinetuningMethod> methods) {
    return methods.stream().map(Object::toString).collect(Collectors.joining(", "));
  }
}
