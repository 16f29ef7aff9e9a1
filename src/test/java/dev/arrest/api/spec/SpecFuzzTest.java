package dev.arrest.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.jobs.StageTarget;
import dev.arrest.operator.jobs.TrainerDocument;
import dev.arrest.operator.reconciler.PlatformValidator;
import dev.arrest.results.Stage;
import dev.arrest.trainer.stage.StageObjects;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Mutates valid ArrestTraining documents (types, ranges, missing and extra fields, nesting, syntax,
 * encodings, huge and deeply nested documents) and feeds them to the three places a spec enters:
 * {@code arrest validate} and the trainer's {@code stage} command (both read through {@link
 * ArrestTrainingDocuments}; the CLI itself is driven in ArrestCliValidateFuzzTest), and the
 * operator's admission (the document as the API server stores it, read by Fabric8 and checked by
 * SpecValidator and PlatformValidator, as TrainingLifecycle does). For every document: no exception
 * but SpecException escapes, every refusal starts with a field path, the operator sees the same
 * problems as the local validator, and an accepted spec is runnable: the stages build their model,
 * objective, schedules and attacks from it, and the operator builds every stage Job whose
 * ARREST_TRAINING document the trainer accepts.
 *
 * <p>jqwik prints the seed of every run ("seed = ..."); rerun a failure with {@code @Property(seed
 * = "...")}.
 */
class SpecFuzzTest {
  private static final ObjectMapper PLAIN_YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization OPERATOR_SERIALIZATION =
      new KubernetesSerialization();
  private static final OperatorSettings SETTINGS =
      OperatorSettings.defaults().withDefaultClaimName("fuzz-claim");
  private static final StageJobFactory JOBS = new StageJobFactory(SETTINGS);

  /**
   * A problem starts with the field it is about: a path of plain names, list indices and
   * JSON-quoted odd keys; or (document) for the document as a whole.
   */
  private static final Pattern FIELD_PATH =
      Pattern.compile(
          "^((\\(document\\)|%1$s)(\\.%1$s|\\[\\d+\\]|%2$s)*"
                  .formatted("[A-Za-z0-9_/-]+", "\\[\"([^\"\\\\]|\\\\.)*\"\\]")
              + "|spec\\.sweep point \\d+ \\([^)]*\\): spec(\\.[A-Za-z0-9]+|\\[\\d+\\])*): .+",
          Pattern.DOTALL);

  private static final List<JsonNode> BASES = baseDocuments();

  /**
   * Values each field name has somewhere in the base documents: mutations that often stay valid.
   */
  private static final Map<String, List<JsonNode>> OBSERVED = observedValues(BASES);

  @Property(tries = 10_000)
  void everyDocumentIsRefusedByFieldOrRunnable(@ForAll("documents") FuzzCase fuzzCase) {
    byte[] document = fuzzCase.document();
    Supplier<String> context = () -> fuzzCase.describe(document);
    ArrestTraining accepted = null;
    try {
      accepted = ArrestTrainingDocuments.parse(document, "fuzz");
    } catch (SpecException e) {
      assertNamesFields(e, context);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("exception escaped arrest validate: " + e + context.get(), e);
    }
    checkOperatorAdmission(document, accepted, context);
    if (accepted != null) {
      checkRunnable(accepted, context);
    }
  }

  @Provide
  Arbitrary<FuzzCase> documents() {
    return Combinators.combine(
            Arbitraries.integers().between(0, BASES.size() - 1),
            Arbitraries.longs(),
            Arbitraries.integers().between(1, 3))
        .as(FuzzCase::new);
  }

  /**
   * The operator receives what the API server stored: documents of the right types (the others are
   * refused by the schema) with null fields pruned, as Fabric8 reads them. It must refuse them for
   * exactly the problems the local validator names.
   */
  private static void checkOperatorAdmission(
      byte[] document, ArrestTraining accepted, Supplier<String> context) {
    ArrestTraining bound;
    String text;
    try {
      text = ArrestTrainingDocuments.decode(document, "fuzz");
      bound = ArrestTrainingDocuments.bind(text, "fuzz");
    } catch (SpecException refusedBySchema) {
      return;
    }
    List<String> local = SpecValidator.validate(bound);
    ArrestTraining stored;
    try {
      JsonNode tree = DocumentTree.normalize(PLAIN_YAML.readTree(text.replaceFirst("^\uFEFF", "")));
      stored =
          OPERATOR_SERIALIZATION.unmarshal(JSON.writeValueAsString(tree), ArrestTraining.class);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(
          "the operator cannot read what the schema admits: " + e + context.get(), e);
    }
    List<String> admission;
    try {
      admission = new ArrayList<>(SpecValidator.validate(stored));
      if (admission.isEmpty()) {
        admission.addAll(PlatformValidator.validate(stored.getSpec(), SETTINGS));
      }
    } catch (RuntimeException e) {
      throw new AssertionError(
          "exception escaped the operator's admission: " + e + context.get(), e);
    }
    assertEquals(
        local,
        SpecValidator.validate(stored),
        () -> "operator and trainer disagree" + context.get());
    admission.forEach(problem -> assertNamesField(problem, context));
    assertEquals(accepted != null, local.isEmpty(), context);
  }

  /** What the stages and the operator build from an accepted spec, before any training. */
  private static void checkRunnable(ArrestTraining training, Supplier<String> context) {
    try {
      ArrestTraining again =
          ArrestTrainingDocuments.parse(ArrestTrainingDocuments.toYaml(training), "round trip");
      assertEquals(
          ArrestTrainingDocuments.toYaml(training), ArrestTrainingDocuments.toYaml(again), context);
      // The model depends on spec.model and the dataset only, which no sweep point changes.
      StageObjects.buildModel(training.getSpec());
      List<StageTarget> targets = new ArrayList<>(List.of(StageTarget.of(Stage.PRETRAIN)));
      if (training.getSpec().sweep == null) {
        StageObjects.buildBeforeTraining(training.getSpec());
        targets.add(StageTarget.of(Stage.EVALUATE));
      } else {
        // The first and last points stand for all: the validator has expanded every point, and
        // every point's Job carries the same sweep document.
        List<SweepPoint> points = SweepPoints.expand(training);
        for (SweepPoint point : List.of(points.get(0), points.get(points.size() - 1))) {
          assertEquals(List.of(), SpecValidator.validate(point.training()), context);
          StageObjects.buildBeforeTraining(point.training().getSpec());
          targets.add(StageTarget.ofPoint(Stage.EVALUATE, point));
        }
      }
      List<String> platform = PlatformValidator.validate(training.getSpec(), SETTINGS);
      platform.forEach(problem -> assertNamesField(problem, context));
      if (!platform.isEmpty()) {
        return;
      }
      training.getMetadata().setNamespace("fuzz");
      training.getMetadata().setUid("fuzz-uid");
      for (StageTarget target : targets) {
        Job job = JOBS.build(training, training.getSpec(), target, "fuzz-claim");
        String trainerDocument =
            job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(env -> TrainerDocument.ENV_VAR.equals(env.getName()))
                .map(EnvVar::getValue)
                .findFirst()
                .orElseThrow();
        ArrestTrainingDocuments.parse(trainerDocument, "from $" + TrainerDocument.ENV_VAR);
      }
    } catch (RuntimeException e) {
      throw new AssertionError("an accepted spec does not run: " + e + context.get(), e);
    }
  }

  private static void assertNamesFields(SpecException e, Supplier<String> context) {
    assertTrue(!e.problems().isEmpty(), context);
    e.problems().forEach(problem -> assertNamesField(problem, context));
  }

  private static void assertNamesField(String problem, Supplier<String> context) {
    assertTrue(
        FIELD_PATH.matcher(problem).matches(),
        () -> "problem does not start with a field path: " + problem + context.get());
  }

  /** One generated case: a base document and a seeded series of mutations. */
  record FuzzCase(int base, long seed, int mutations) {
    private static final int SHOWN = 3000;

    byte[] document() {
      return new Mutator(new Random(seed)).apply(BASES.get(base).deepCopy(), mutations);
    }

    String describe(byte[] document) {
      String text = new String(document, StandardCharsets.UTF_8);
      return "\n--- case "
          + this
          + ", "
          + document.length
          + " bytes:\n"
          + (text.length() > SHOWN ? text.substring(0, SHOWN) + "\n[...]" : text);
    }
  }

  /** Mutations of a document tree, then of its text and bytes. */
  private static final class Mutator {
    private static final String NON_FINITE_MARK = "__non_finite__";
    private final Random random;
    private final List<String> textEdits = new ArrayList<>();

    Mutator(Random random) {
      this.random = random;
    }

    byte[] apply(JsonNode tree, int count) {
      for (int i = 0; i < count; i++) {
        mutateTree(tree);
      }
      String text;
      try {
        text =
            random.nextInt(5) == 0
                ? JSON.writeValueAsString(tree)
                : PLAIN_YAML.writeValueAsString(tree);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      text = text.replace("\"" + NON_FINITE_MARK + "\"", pick(".nan", ".inf", "-.Inf", ".NaN"));
      text = text.replace(NON_FINITE_MARK, ".nan");
      if (random.nextInt(4) == 0) {
        text = mutateText(text);
      }
      return random.nextInt(12) == 0 ? mutateBytes(text) : text.getBytes(StandardCharsets.UTF_8);
    }

    private void mutateTree(JsonNode tree) {
      List<Slot> slots = new ArrayList<>();
      collect(tree, slots);
      Slot slot = slots.get(random.nextInt(slots.size()));
      JsonNode current = slot.get();
      switch (random.nextInt(9)) {
        case 0, 1 -> slot.set(observedOr(slot.name(), current));
        case 2, 3 -> slot.set(strangeValue(current));
        case 4 -> slot.set(numeric(current));
        case 5 -> slot.remove();
        case 6 -> addField(current.isObject() ? (ObjectNode) current : (ObjectNode) tree);
        case 7 -> slot.set(wrap(current));
        default -> slot.set(TextNode.valueOf(NON_FINITE_MARK));
      }
    }

    private JsonNode observedOr(String name, JsonNode current) {
      List<JsonNode> values = OBSERVED.get(name);
      return values == null
          ? strangeValue(current)
          : values.get(random.nextInt(values.size())).deepCopy();
    }

    private JsonNode strangeValue(JsonNode current) {
      return switch (random.nextInt(22)) {
        case 0 -> TextNode.valueOf(current.isValueNode() ? current.asText() : "0.1");
        case 1 -> TextNode.valueOf("3");
        case 2 -> TextNode.valueOf("true");
        case 3 -> IntNode.valueOf(0);
        case 4 -> IntNode.valueOf(-1);
        case 5 -> IntNode.valueOf(Integer.MAX_VALUE);
        case 6 -> LongNode.valueOf(Long.MAX_VALUE);
        case 7 -> BigIntegerNode.valueOf(BigInteger.TWO.pow(80));
        case 8 -> DoubleNode.valueOf(2.5);
        case 9 -> DoubleNode.valueOf(1e9);
        case 10 -> DoubleNode.valueOf(-0.5);
        case 11 -> DoubleNode.valueOf(1e-300);
        case 12 -> BooleanNode.TRUE;
        case 13 -> NullNode.getInstance();
        case 14 -> TextNode.valueOf("");
        case 15 -> TextNode.valueOf("Bad_Name!");
        case 16 -> TextNode.valueOf("x".repeat(300));
        case 17 -> TextNode.valueOf("\u00e4\u00df\uD83D\uDE00 \t\u2028");
        case 18 -> JsonNodeFactory.instance.arrayNode();
        case 19 -> JsonNodeFactory.instance.objectNode();
        case 20 -> TextNode.valueOf(pick("500m", "8Gi", "1.5", "2e3", "-1", "8 GB", "1Qi", ".5"));
        default ->
            TextNode.valueOf(pick("linf", "l2", "pgd", "autoattack", "piecewise", "scratch"));
      };
    }

    private JsonNode numeric(JsonNode current) {
      if (!current.isNumber()) {
        return strangeValue(current);
      }
      double value = current.doubleValue();
      return switch (random.nextInt(6)) {
        case 0 -> DoubleNode.valueOf(value * Math.pow(10, random.nextInt(7) - 3));
        case 1 -> DoubleNode.valueOf(-value);
        case 2 -> DoubleNode.valueOf(value + 0.5);
        case 3 -> IntNode.valueOf(random.nextInt(3) - 1);
        case 4 -> IntNode.valueOf((int) value + 1);
        default -> DoubleNode.valueOf(pick(0.0, 1.0, 180.0, 100.0, 255.0, 28.0, 56.0));
      };
    }

    private void addField(ObjectNode object) {
      List<String> names = new ArrayList<>(OBSERVED.keySet());
      String name = random.nextBoolean() ? "extraField" : names.get(random.nextInt(names.size()));
      object.set(name, observedOr(name, IntNode.valueOf(1)));
    }

    private JsonNode wrap(JsonNode current) {
      if (random.nextBoolean()) {
        return JsonNodeFactory.instance.arrayNode().add(current.deepCopy());
      }
      ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
      wrapper.set("value", current.deepCopy());
      return wrapper;
    }

    private String mutateText(String text) {
      int at = text.isEmpty() ? 0 : random.nextInt(text.length());
      return switch (random.nextInt(9)) {
        case 0 -> text.substring(0, at);
        case 1 ->
            text.substring(0, at)
                + pick(
                    ":", "{", "[", "\"", "\t", "\u0000", "\u00e9", "#", "&a ", "*a", "!", "%", "@",
                    "`", "\n", "- ")
                + text.substring(at);
        case 2 -> duplicateLine(text, at);
        case 3 -> text + "\nspec:\n  seed: 5\n";
        case 4 -> text + "---\n" + text;
        case 5 ->
            text
                + "\npadding: \""
                + "p".repeat(ArrestTrainingDocuments.MAX_DOCUMENT_BYTES)
                + "\"\n";
        case 6 -> text.replaceFirst("spec:", "spec: " + "[".repeat(random.nextInt(30, 3000)));
        case 7 ->
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c]\n"
                + text;
        default -> text.replaceFirst("\n", "\n# " + "comment ".repeat(random.nextInt(2000)) + "\n");
      };
    }

    private String duplicateLine(String text, int at) {
      int start = text.lastIndexOf('\n', at) + 1;
      int end = text.indexOf('\n', at);
      if (end < 0) {
        return text;
      }
      String line = text.substring(start, end + 1);
      return text.substring(0, end + 1) + line + text.substring(end + 1);
    }

    private byte[] mutateBytes(String text) {
      return switch (random.nextInt(4)) {
        case 0 -> text.getBytes(StandardCharsets.UTF_16);
        case 1 -> ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8);
        case 2 -> text.getBytes(StandardCharsets.ISO_8859_1);
        default -> {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          if (bytes.length > 0) { // a text mutation can leave nothing to corrupt
            bytes[random.nextInt(bytes.length)] = (byte) 0xff;
          }
          yield bytes;
        }
      };
    }

    @SafeVarargs
    private <T> T pick(T... values) {
      return values[random.nextInt(values.length)];
    }

    /** Every value of the tree with the means to replace or remove it. */
    private static void collect(JsonNode node, List<Slot> slots) {
      if (node instanceof ObjectNode object) {
        Iterator<String> names = object.fieldNames();
        List<String> fields = new ArrayList<>();
        names.forEachRemaining(fields::add);
        for (String name : fields) {
          slots.add(
              new Slot(
                  name,
                  () -> object.get(name),
                  value -> object.set(name, value),
                  () -> object.remove(name)));
          collect(object.get(name), slots);
        }
      } else if (node instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          int index = i;
          slots.add(
              new Slot(
                  "[]",
                  () -> array.get(index),
                  value -> array.set(index, value),
                  () -> array.remove(index)));
          collect(array.get(i), slots);
        }
      }
    }
  }

  private record Slot(
      String name,
      java.util.function.Supplier<JsonNode> getter,
      Consumer<JsonNode> setter,
      Runnable remover) {
    JsonNode get() {
      return getter.get();
    }

    void set(JsonNode value) {
      setter.accept(value);
    }

    void remove() {
      remover.run();
    }
  }

  /**
   * Every shipped example, plus a sweep with from-scratch points, AWP, a stratified evaluation
   * subset and the platform fields.
   */
  private static List<JsonNode> baseDocuments() {
    List<JsonNode> bases = new ArrayList<>();
    try (Stream<Path> examples = Files.walk(Path.of("examples"))) {
      for (Path example : examples.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        bases.add(PLAIN_YAML.readTree(example.toFile()));
      }
      bases.add(
          PLAIN_YAML.readTree(
              """
              apiVersion: arrest.dev/v1alpha1
              kind: ArrestTraining
              metadata: {name: fuzz-sweep, namespace: ml, labels: {team: a}}
              spec:
                seed: 3
                dataset: {name: cifar10, path: /data/cifar10, trainSubset: 500, augment: true}
                model: {architecture: wide-resnet, depth: 16, widenFactor: 2}
                pretraining: {epochs: 2, batchSize: 64}
                finetuning:
                  method: arrest
                  epochs: 2
                  optimizer: {schedule: piecewise, milestones: [0.3, 0.6], gamma: 0.5, nesterov: true}
                  attack: {epsilon: 0.03, steps: 2, stepSize: 0.01}
                  awp: {gamma: 0.005, warmupEpochs: 1, steps: 1}
                sweep:
                  methods: [at, trades, arrest]
                  tradesBetas: [1.0, 6.0]
                  epsilons: [0.02, 0.03]
                  awpGammas: [0, 0.01]
                  fromScratch: {epochs: 3, optimizer: {learningRate: 0.2, schedule: piecewise, milestones: [0.5]}, awp: {warmupEpochs: 2}}
                evaluation:
                  samples: 100
                  subset: stratified
                  subsetSeed: 1
                  epsilon: 0.03
                  attacks: [{type: apgd-ce, norm: l2, epsilon: 0.5}, {type: fab-t, targetClasses: 3}]
                  tradeoff: {fromSweepMethods: [at, trades], degree: 1}
                image: registry.example/arrest-trainer:1
                resources:
                  pretrain: {cpu: 2, memory: 8Gi, gpus: 1}
                  evaluate: {cpu: 500m, memory: 512Mi}
                scheduling:
                  nodeSelector: {gpu: "true"}
                  tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}]
                  priorityClassName: batch-low
                  queueName: team-a
                storage: {claimName: arrest-data, subPath: runs}
                runPolicy: {backoffLimit: 2, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 60, maxParallelPoints: 2}
              """));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bases;
  }

  private static Map<String, List<JsonNode>> observedValues(List<JsonNode> bases) {
    Map<String, List<JsonNode>> observed = new HashMap<>();
    bases.forEach(base -> observe(base, observed));
    return observed;
  }

  private static void observe(JsonNode node, Map<String, List<JsonNode>> observed) {
    if (node instanceof ObjectNode object) {
      object
          .fields()
          .forEachRemaining(
              field -> {
                observed
                    .computeIfAbsent(field.getKey(), k -> new ArrayList<>())
                    .add(field.getValue());
                observe(field.getValue(), observed);
              });
    } else if (node instanceof ArrayNode array) {
      array.forEach(element -> observe(element, observed));
    }
  }
}
