package dev.arrest.api.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.arrest.api.v1alpha1.Architecture;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.AttackType;
import dev.arrest.api.v1alpha1.AutoAttackVersion;
import dev.arrest.api.v1alpha1.AwpSpec;
import dev.arrest.api.v1alpha1.ContainerResourcesSpec;
import dev.arrest.api.v1alpha1.DatasetName;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.EvaluationSpec;
import dev.arrest.api.v1alpha1.EvaluationSubset;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.FinetuningSpec;
import dev.arrest.api.v1alpha1.Initialization;
import dev.arrest.api.v1alpha1.LearningRateSchedule;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.api.v1alpha1.OptimizerSpec;
import dev.arrest.api.v1alpha1.ScratchTrainingSpec;
import dev.arrest.api.v1alpha1.StageResourcesSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.tradeoff.TradeoffReferences;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an ArrestTraining before anything runs. Field-level rules come from the same annotations
 * that generate the CRD schema ({@link Required}, {@link Min}, {@link Max}, {@link Size}), so a
 * local run rejects exactly what the API server would; the rules a schema cannot express (across
 * fields) follow. Shared by the CLI and the operator.
 */
public final class SpecValidator {
  private static final String API_PACKAGE = ArrestTrainingSpec.class.getPackageName();

  private SpecValidator() {}

  /** Every problem found, each starting with the field path; empty when the document can run. */
  public static List<String> validate(ArrestTraining training) {
    List<String> problems = new ArrayList<>();
    checkName(training, problems);
    if (training.getSpec() == null) {
      problems.add("spec: required");
      return problems;
    }
    checkAnnotatedFields(training.getSpec(), "spec", problems);
    if (problems.isEmpty()) {
      checkCrossFieldRules(training, problems);
    }
    return problems;
  }

  private static void checkAnnotatedFields(Object node, String path, List<String> problems) {
    for (Field field : node.getClass().getFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      String fieldPath = path + "." + field.getName();
      Object value;
      try {
        value = field.get(node);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      if (value == null) {
        if (field.isAnnotationPresent(Required.class)) {
          problems.add(fieldPath + ": required");
        }
        continue;
      }
      if (value instanceof String text) {
        checkString(field, text, fieldPath, problems);
      } else if (value instanceof Number number) {
        checkBounds(
            field.getAnnotation(Min.class),
            field.getAnnotation(Max.class),
            number.doubleValue(),
            fieldPath,
            problems);
      } else if (value instanceof List<?> list) {
        checkList(field, list, fieldPath, problems);
      } else if (isApiType(value) && !value.getClass().isEnum()) {
        checkAnnotatedFields(value, fieldPath, problems);
      }
    }
  }

  private static boolean isApiType(Object value) {
    return value.getClass().getPackageName().equals(API_PACKAGE);
  }

  /**
   * A list's length ({@link Size} on the field) and its elements: no nulls, bounds written on the
   * element type (as in {@code List<@Min(0) Double>}, which is also how the CRD generator reads
   * them), nested spec objects.
   */
  private static void checkList(Field field, List<?> list, String path, List<String> problems) {
    Size size = field.getAnnotation(Size.class);
    if (size != null && (list.size() < size.min() || list.size() > size.max())) {
      problems.add(
          path
              + ": must list "
              + (list.size() < size.min() ? "at least " + size.min() : "at most " + size.max())
              + " value"
              + (list.size() < size.min() && size.min() == 1 ? "" : "s")
              + ", found "
              + list.size());
    }
    AnnotatedType elementType =
        field.getAnnotatedType() instanceof AnnotatedParameterizedType parameterized
            ? parameterized.getAnnotatedActualTypeArguments()[0]
            : null;
    for (int i = 0; i < list.size(); i++) {
      Object element = list.get(i);
      String elementPath = path + "[" + i + "]";
      if (element == null) {
        problems.add(elementPath + ": must not be null");
      } else if (element instanceof Number number && elementType != null) {
        checkBounds(
            elementType.getAnnotation(Min.class),
            elementType.getAnnotation(Max.class),
            number.doubleValue(),
            elementPath,
            problems);
      } else if (isApiType(element) && !element.getClass().isEnum()) {
        checkAnnotatedFields(element, elementPath, problems);
      }
    }
  }

  /** The name the API server requires, which also names Jobs, labels and the output directory. */
  private static void checkName(ArrestTraining training, List<String> problems) {
    String name = training.getMetadata() == null ? null : training.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      problems.add("metadata.name: required (it names the run and its output directory)");
    } else if (!KubernetesFormats.isDnsSubdomain(name)) {
      problems.add(
          "metadata.name: must be a Kubernetes object name (RFC 1123 subdomain): at most "
              + KubernetesFormats.DNS_SUBDOMAIN_MAX_LENGTH
              + " lowercase letters, digits, '-' and '.', starting and ending with a letter or"
              + " digit; found '"
              + abbreviate(name)
              + "' ("
              + name.length()
              + " characters). Names up to "
              + KubernetesFormats.LONGEST_NAME_IN_JOB_NAMES
              + " characters appear whole in the stage Jobs' names; longer ones are cut there and"
              + " given a hash");
    }
  }

  /** {@link Pattern} and {@link Size} on a string field (the schema's pattern and maxLength). */
  private static void checkString(Field field, String value, String path, List<String> problems) {
    Size size = field.getAnnotation(Size.class);
    if (size != null && (value.length() < size.min() || value.length() > size.max())) {
      problems.add(
          path
              + ": must have "
              + (value.length() < size.min() ? "at least " + size.min() : "at most " + size.max())
              + " characters, found "
              + value.length());
    }
    Pattern pattern = field.getAnnotation(Pattern.class);
    if (pattern != null
        && !java.util.regex.Pattern.compile(pattern.value()).matcher(value).find()) {
      problems.add(
          path
              + ": '"
              + abbreviate(value)
              + "' does not match "
              + pattern.value()
              + patternHint(field));
    }
  }

  private static String patternHint(Field field) {
    JsonPropertyDescription description = field.getAnnotation(JsonPropertyDescription.class);
    return description == null ? "" : " (" + description.value() + ")";
  }

  private static String abbreviate(String value) {
    return value.length() > 60 ? value.substring(0, 60) + "..." : value;
  }

  private static void checkBounds(
      Min min, Max max, double value, String path, List<String> problems) {
    if (!Double.isFinite(value)) {
      problems.add(path + ": must be a finite number, found " + value);
      return;
    }
    if (min != null && (min.inclusive() ? value < min.value() : value <= min.value())) {
      problems.add(
          path
              + ": must be "
              + (min.inclusive() ? ">= " : "> ")
              + format(min.value())
              + ", found "
              + format(value));
    }
    if (max != null && (max.inclusive() ? value > max.value() : value >= max.value())) {
      problems.add(
          path
              + ": must be "
              + (max.inclusive() ? "<= " : "< ")
              + format(max.value())
              + ", found "
              + format(value));
    }
  }

  private static void checkCrossFieldRules(ArrestTraining training, List<String> problems) {
    ArrestTrainingSpec spec = training.getSpec();
    if (spec.dataset.name != DatasetName.FASHION_MNIST && spec.dataset.path == null) {
      problems.add(
          "spec.dataset.path: required for "
              + spec.dataset.name
              + " (the directory holding the official"
              + " binary version of the dataset)");
    }
    if (spec.model.architecture == Architecture.WIDE_RESNET && (spec.model.depth - 4) % 6 != 0) {
      problems.add(
          "spec.model.depth: wide-resnet needs (depth - 4) divisible by 6 (e.g. 28, 34), found "
              + spec.model.depth);
    }
    if (spec.pretraining.checkpoint != null && spec.pretraining.torchScriptModel != null) {
      problems.add(
          "spec.pretraining: give checkpoint (this trainer's model file) or torchScriptModel, not"
              + " both");
    }
    checkOptimizer(spec.pretraining.optimizer, "spec.pretraining.optimizer", problems);
    checkOptimizer(spec.finetuning.optimizer, "spec.finetuning.optimizer", problems);
    if (spec.sweep != null
        && spec.sweep.fromScratch != null
        && spec.sweep.fromScratch.optimizer != null) {
      checkOptimizer(
          spec.sweep.fromScratch.optimizer, "spec.sweep.fromScratch.optimizer", problems);
    }
    checkBudgets(spec, problems);
    checkResources(spec.resources, problems);
    if (training.getSpec().sweep == null) {
      checkMethod(spec.finetuning, "", problems);
      checkAwp(spec, "", "spec.finetuning.awp", problems);
    } else {
      checkSweep(training, problems);
    }
    checkTradeoff(spec, problems);
    if (spec.evaluation.subsetSeed != null
        && spec.evaluation.subset != EvaluationSubset.STRATIFIED) {
      problems.add(
          "spec.evaluation.subsetSeed: applies to subset stratified only (the first images need"
              + " no seed); set spec.evaluation.subset: stratified, or remove subsetSeed");
    }
    List<EvaluationAttackSpec> attacks = spec.evaluation.attacks;
    if (attacks == null || attacks.isEmpty()) {
      problems.add(
          "spec.evaluation.attacks: list at least one attack (e.g. {type: pgd, steps: 20})");
    } else {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < attacks.size(); i++) {
        String name = attacks.get(i).displayName();
        if (names.contains(name)) {
          problems.add("spec.evaluation.attacks[" + i + "]: duplicate of " + name);
        }
        names.add(name);
        checkEvaluationAttack(
            attacks.get(i),
            spec.evaluation,
            spec.dataset.name.numClasses(),
            "spec.evaluation.attacks[" + i + "]",
            problems);
      }
    }
    if (spec.finetuning.attack.norm != Norm.LINF) {
      problems.add(
          "spec.finetuning.attack.norm: training supports linf only, found "
              + spec.finetuning.attack.norm);
    }
  }

  /**
   * The rules an attack's type imposes on its other fields (they mirror the attacks' own argument
   * checks).
   */
  private static void checkEvaluationAttack(
      EvaluationAttackSpec attack,
      EvaluationSpec evaluation,
      int classes,
      String path,
      List<String> problems) {
    AttackType type = attack.type;
    Norm norm = attack.norm != null ? attack.norm : evaluation.norm;
    boolean apgd =
        type == AttackType.APGD_CE || type == AttackType.APGD_DLR || type == AttackType.APGD_T;
    if (type == AttackType.PGD && norm != Norm.LINF) {
      problems.add(path + ".norm: pgd supports linf only; use apgd-ce for l2");
    }
    if (attack.stepSize != null && type != AttackType.PGD) {
      problems.add(path + ".stepSize: applies to pgd only; " + type + " sets its own step sizes");
    }
    if (attack.version != null && type != AttackType.AUTOATTACK) {
      problems.add(path + ".version: applies to autoattack only");
    }
    if (attack.targetClasses != null && type != AttackType.APGD_T && type != AttackType.FAB_T) {
      problems.add(path + ".targetClasses: applies to apgd-t and fab-t only");
    }
    if (attack.targetClasses != null && attack.targetClasses > classes - 1) {
      problems.add(
          path
              + ".targetClasses: at most "
              + (classes - 1)
              + " (the other classes of "
              + classes
              + ")");
    }
    if (attack.eotIterations != null && !apgd) {
      problems.add(path + ".eotIterations: applies to apgd-ce, apgd-dlr and apgd-t only");
    }
    if (type == AttackType.AUTOATTACK && (attack.steps != null || attack.restarts != 1)) {
      problems.add(
          path
              + ": autoattack runs its version's published iterations and restarts; remove steps"
              + " and restarts or list the attacks individually");
    }
    boolean needsDlr =
        type == AttackType.APGD_DLR
            || (type == AttackType.AUTOATTACK
                && attack.effectiveVersion() == AutoAttackVersion.RAND);
    boolean needsTargetedDlr =
        type == AttackType.APGD_T
            || (type == AttackType.AUTOATTACK
                && attack.effectiveVersion() != AutoAttackVersion.RAND);
    if (needsTargetedDlr && classes < 4) {
      problems.add(
          path + ": the targeted DLR loss needs at least 4 classes, the dataset has " + classes);
    } else if (needsDlr && classes < 3) {
      problems.add(path + ": the DLR loss needs at least 3 classes, the dataset has " + classes);
    }
    boolean l2BudgetGiven =
        attack.epsilon != null || (evaluation.norm == Norm.L2 && evaluation.epsilon != null);
    if (norm == Norm.L2 && !l2BudgetGiven) {
      problems.add(
          path
              + ".epsilon: an l2 attack needs an L2 budget; set epsilon on the attack, or"
              + " spec.evaluation.epsilon together with spec.evaluation.norm: l2 (the default"
              + " budget is finetuning's L-inf epsilon)");
    }
  }

  /**
   * @param prefix names the sweep point the finetuning belongs to; empty for a single run
   */
  private static void checkMethod(FinetuningSpec finetuning, String prefix, List<String> problems) {
    FinetuningMethod method = finetuning.method;
    Initialization initialization = finetuning.effectiveInitialization();
    if (method == FinetuningMethod.AFT && initialization == Initialization.SCRATCH) {
      problems.add(
          prefix
              + "spec.finetuning.initialization: aft is finetuning of the pretrained model; use"
              + " method at to train adversarially from scratch");
    }
    if (method == FinetuningMethod.ARREST && initialization == Initialization.SCRATCH) {
      problems.add(
          prefix
              + "spec.finetuning.initialization: arrest needs the pretrained model (its"
              + " representation guides RGKD and noisy replay); remove the field or set it to"
              + " pretrained");
    }
  }

  /**
   * AWP that would never run, or that cannot run on the model.
   *
   * @param field where the run's AWP settings are written
   */
  private static void checkAwp(
      ArrestTrainingSpec spec, String prefix, String field, List<String> problems) {
    AwpSpec awp = spec.finetuning.awp;
    if (awp == null || awp.gamma == 0) {
      return;
    }
    if (awp.warmupEpochs >= spec.finetuning.epochs) {
      problems.add(
          prefix
              + field
              + ".warmupEpochs: "
              + awp.warmupEpochs
              + " warm-up epochs of "
              + spec.finetuning.epochs
              + " leave none to train with AWP; lower warmupEpochs below the number of finetuning"
              + " epochs, or remove awp");
    }
    if (spec.pretraining.torchScriptModel != null
        && spec.finetuning.effectiveInitialization() == Initialization.PRETRAINED) {
      problems.add(
          prefix
              + field
              + ": not available when finetuning a TorchScript module"
              + " (spec.pretraining.torchScriptModel): its batch-norm buffers cannot be reached to"
              + " undo the perturbation pass's updates; remove awp, or finetune a model of this"
              + " trainer (spec.pretraining.checkpoint)");
    }
  }

  /** The sweep's own rules, then each point's finetuning as if it were a single run. */
  private static void checkSweep(ArrestTraining training, List<String> problems) {
    List<String> sweepProblems = SweepPoints.problems(training.getSpec());
    if (!sweepProblems.isEmpty()) {
      problems.addAll(sweepProblems);
      return;
    }
    ScratchTrainingSpec scratch = training.getSpec().sweep.fromScratch;
    for (SweepPoint point : SweepPoints.expand(training)) {
      ArrestTrainingSpec spec = point.training().getSpec();
      String prefix = "spec.sweep point " + point.id() + " (" + point.label() + "): ";
      checkMethod(spec.finetuning, prefix, problems);
      boolean awpFromScratch =
          scratch != null
              && scratch.awp != null
              && spec.finetuning.effectiveInitialization() == Initialization.SCRATCH;
      checkAwp(
          spec,
          prefix,
          awpFromScratch ? "spec.sweep.fromScratch.awp" : "spec.finetuning.awp",
          problems);
    }
  }

  private static void checkTradeoff(ArrestTrainingSpec spec, List<String> problems) {
    TradeoffSpec tradeoff = spec.evaluation.tradeoff;
    if (tradeoff == null) {
      return;
    }
    if (tradeoff.fromSweepMethods == null) {
      try {
        TradeoffReferences.curve(tradeoff);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
      return;
    }
    if (tradeoff.reference != null || tradeoff.points != null) {
      problems.add(
          "spec.evaluation.tradeoff: give exactly one of reference, points or fromSweepMethods");
    }
    if (spec.sweep == null) {
      problems.add(
          "spec.evaluation.tradeoff.fromSweepMethods: only a sweep has points of its own to fit;"
              + " add spec.sweep, or give reference or points");
    }
  }

  private static void checkOptimizer(OptimizerSpec optimizer, String path, List<String> problems) {
    if (optimizer.schedule != LearningRateSchedule.PIECEWISE) {
      return;
    }
    double previous = 0;
    for (double milestone : optimizer.milestonesOrDefault()) {
      if (milestone <= previous || milestone >= 1) {
        problems.add(
            path
                + ".milestones: must increase strictly within (0, 1), found "
                + optimizer.milestonesOrDefault());
        return;
      }
      previous = milestone;
    }
  }

  /**
   * Perturbation budgets in pixel units: pixels lie in [0, 1], so an L-inf budget above 1, or an L2
   * budget above the input's diameter sqrt(values per image), allows every image and means nothing.
   */
  private static void checkBudgets(ArrestTrainingSpec spec, List<String> problems) {
    if (spec.evaluation.epsilon != null) {
      checkBudget(
          spec.evaluation.epsilon, spec.evaluation.norm, spec, "spec.evaluation.epsilon", problems);
    }
    List<EvaluationAttackSpec> attacks = spec.evaluation.attacks;
    for (int i = 0; attacks != null && i < attacks.size(); i++) {
      EvaluationAttackSpec attack = attacks.get(i);
      if (attack != null && attack.epsilon != null) {
        Norm norm = attack.norm != null ? attack.norm : spec.evaluation.norm;
        checkBudget(
            attack.epsilon, norm, spec, "spec.evaluation.attacks[" + i + "].epsilon", problems);
      }
    }
  }

  private static void checkBudget(
      double epsilon, Norm norm, ArrestTrainingSpec spec, String path, List<String> problems) {
    if (norm == Norm.LINF && epsilon > 1) {
      problems.add(
          path
              + ": an L-inf budget is at most 1 (pixels are in [0, 1]), found "
              + format(epsilon)
              + "; e.g. 8/255 = 0.0314 for CIFAR, 0.1 for Fashion-MNIST");
    }
    double diameter = Math.sqrt(spec.dataset.name.valuesPerImage());
    if (norm == Norm.L2 && epsilon > diameter) {
      problems.add(
          path
              + ": an L2 budget is at most the diameter of "
              + spec.dataset.name
              + "'s input space, sqrt("
              + spec.dataset.name.valuesPerImage()
              + ") = "
              + String.format(java.util.Locale.ROOT, "%.2f", diameter)
              + ", found "
              + format(epsilon)
              + "; e.g. 0.5 for CIFAR");
    }
  }

  /** CPU and memory requests must be quantities the Job's API validation takes. */
  private static void checkResources(StageResourcesSpec resources, List<String> problems) {
    if (resources == null) {
      return;
    }
    checkContainerResources(resources.pretrain, "spec.resources.pretrain", problems);
    checkContainerResources(resources.finetune, "spec.resources.finetune", problems);
    checkContainerResources(resources.evaluate, "spec.resources.evaluate", problems);
  }

  private static void checkContainerResources(
      ContainerResourcesSpec resources, String path, List<String> problems) {
    if (resources == null) {
      return;
    }
    checkQuantity(resources.cpu, path + ".cpu", "2 or 500m", problems);
    checkQuantity(resources.memory, path + ".memory", "8Gi or 512Mi", problems);
  }

  private static void checkQuantity(
      Quantity quantity, String path, String example, List<String> problems) {
    if (quantity == null) {
      return;
    }
    String text = quantity.toString();
    if (!KubernetesFormats.isQuantity(text)) {
      problems.add(
          path
              + ": not a Kubernetes quantity (e.g. "
              + example
              + "), found '"
              + abbreviate(text)
              + "'");
    } else if (Quantity.getAmountInBytes(quantity).signum() <= 0) {
      problems.add(path + ": must be positive, found " + text);
    }
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
