package dev.arrest.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ReferenceFit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cases of issue 13 §2: what the API server refuses is refused here too, by field path, and
 * nothing is coerced.
 */
class StrictParsingTest {
  static final String SPEC =
      """
      apiVersion: arrest.dev/v1alpha1
      kind: ArrestTraining
      metadata:
        name: t
      spec:
        seed: 1
        dataset: {name: fashion-mnist}
        model: {architecture: small-cnn}
        pretraining: {epochs: 1, optimizer: {learningRate: 0.05}}
        finetuning:
          method: arrest
          attack: {epsilon: 0.1, steps: 3, randomStart: true}
          rgkd: {weight: 4.0, distance: cosine}
        resources:
          pretrain: {cpu: 2, memory: 8Gi}
      """;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "epsilon: 0.1|epsilon: .nan|spec.finetuning.attack.epsilon: must be a finite number",
        "weight: 4.0|weight: .NaN|spec.finetuning.rgkd.weight: must be a finite number",
        "learningRate: 0.05|learningRate: .inf|spec.pretraining.optimizer.learningRate: must be a"
            + " finite number",
        "epsilon: 0.1|epsilon: -.Inf|spec.finetuning.attack.epsilon: must be a finite number",
        "steps: 3|steps: 2.5|spec.finetuning.attack.steps: expected an integer, found the number"
            + " 2.5",
        "epsilon: 0.1|epsilon: 1.0e9|spec.finetuning.attack.epsilon: must be <= 1",
        "epsilon: 0.1|epsilon: \"0.1\"|spec.finetuning.attack.epsilon: expected a number, found the"
            + " string \"0.1\" (remove the quotes)",
        "steps: 3|steps: \"3\"|spec.finetuning.attack.steps: expected an integer",
        "seed: 1|seed: 1.5|spec.seed: expected an integer",
        "distance: cosine|distance: 1|spec.finetuning.rgkd.distance: expected one of: cosine,"
            + " angular, l2, found the number 1",
        "method: arrest|method: 3|spec.finetuning.method: expected one of",
        "randomStart: true|randomStart: \"true\"|spec.finetuning.attack.randomStart: expected a"
            + " boolean",
        "randomStart: true|randomStart: 1|spec.finetuning.attack.randomStart: expected a boolean",
        "name: t|name: 7|metadata.name: expected a string, found the number 7",
        "name: fashion-mnist|name: fashion-mnist, path: 5|spec.dataset.path: expected a string",
        "seed: 1|seed: 1\\n  seed: 2|spec.seed: not a valid YAML/JSON document: Duplicate field",
        "name: t|name: Bad_Name!|metadata.name: must be a Kubernetes object name",
        "cpu: 2|cpu: two|spec.resources.pretrain.cpu: not a Kubernetes quantity",
        "cpu: 2|cpu: 2.5|spec.resources.pretrain.cpu: expected a Kubernetes quantity",
        "memory: 8Gi|memory: 8 GB|spec.resources.pretrain.memory: not a Kubernetes quantity",
        "memory: 8Gi|memory: -1Gi|spec.resources.pretrain.memory: must be positive",
        "cpu: 2|cpu: true|spec.resources.pretrain.cpu: expected a Kubernetes quantity",
        "epochs: 1|epochs: []|spec.pretraining.epochs: expected an integer, found a list",
      })
  void refusedByFieldPath(String original, String replacement, String expectedPrefix) {
    String document = SPEC.replace(original, replacement.replace("\\n", "\n"));
    assertTrue(!document.equals(SPEC), "the case changes the document: " + original);
    SpecException e =
        assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(document, "t"));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.startsWith(expectedPrefix)),
        "expected a problem starting with '" + expectedPrefix + "' in " + e.problems());
  }

  @Test
  void whatTheApiServerTakesIsTaken() {
    // 2.0 is an integer in JSON Schema, 1 a number, null a pruned field, yes a YAML 1.1 boolean.
    ArrestTraining training =
        ArrestTrainingDocuments.parse(
            SPEC.replace("steps: 3", "steps: 3.0")
                .replace("epsilon: 0.1", "epsilon: 1")
                .replace("seed: 1", "seed: null")
                .replace("randomStart: true", "randomStart: yes")
                .replace("cpu: 2", "cpu: \"500m\""),
            "t");
    assertEquals(3, training.getSpec().finetuning.attack.steps);
    assertEquals(1.0, training.getSpec().finetuning.attack.epsilon);
    assertEquals(0, training.getSpec().seed);
    assertEquals("500m", training.getSpec().resources.pretrain.cpu.toString());
  }

  /**
   * A key with nothing after it (or only a comment) is null in YAML, as kubectl sends it, and the
   * API server prunes it: the trainer must not read it as an empty string. Found by SpecFuzzTest
   * (the cifar10-wrn-34-10-sweep example with its tradeoff reference emptied).
   */
  @Test
  void anEmptyYamlValueIsNullAsKubectlReadsIt() {
    String bare = SPEC.replace("seed: 1", "seed:");
    String commented = SPEC.replace("seed: 1", "seed:   # the default");
    String quoted = SPEC.replace("name: t", "name: ''");
    assertEquals(0, ArrestTrainingDocuments.parse(bare, "t").getSpec().seed);
    assertEquals(0, ArrestTrainingDocuments.parse(commented, "t").getSpec().seed);
    assertEquals("", ArrestTrainingDocuments.bind(quoted, "t").getMetadata().getName());

    String example = readExample("cifar10-wrn-34-10-sweep.yaml");
    String emptied = example.replaceFirst("reference: cifar10-linf-8255-wrn34", "reference:");
    assertTrue(emptied.contains("reference:   #"), "the example still has its comment");
    SpecException e =
        assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(emptied, "t"));
    assertEquals(
        List.of(
            "spec.evaluation.tradeoff: give exactly one of reference (one of [cifar10-linf-8255,"
                + " cifar10-linf-8255-wrn34]), points or fromSweepMethods"),
        e.problems());
  }

  @Test
  void theReferenceFitIsOneOfItsSpellings() {
    String example = readExample("cifar10-wrn-34-10-sweep.yaml");
    String frontier =
        example.replaceFirst("\n    tradeoff:\n", "\n    tradeoff:\n      fit: frontier\n");
    assertTrue(!frontier.equals(example), "the example has the reference line");
    assertEquals(
        ReferenceFit.FRONTIER,
        ArrestTrainingDocuments.parse(frontier, "t").getSpec().evaluation.tradeoff.fit);
    assertEquals(
        ReferenceFit.ALL,
        ArrestTrainingDocuments.parse(example, "t").getSpec().evaluation.tradeoff.fit,
        "all unless set");
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                ArrestTrainingDocuments.parse(
                    frontier.replace("fit: frontier", "fit: Frontier"), "t"));
    assertTrue(
        e.problems()
            .get(0)
            .equals("spec.evaluation.tradeoff.fit: 'Frontier' is not one of: all, frontier"),
        e.problems().toString());
  }

  private static String readExample(String name) {
    try {
      return Files.readString(Path.of("examples", name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aLongNameIsRefusedWithTheLimits() {
    String name = "a".repeat(300);
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> ArrestTrainingDocuments.parse(SPEC.replace("name: t", "name: " + name), "t"));
    assertTrue(e.problems().get(0).contains("at most 253"), e.getMessage());
    assertTrue(e.problems().get(0).contains("(300 characters)"), e.getMessage());
    assertTrue(e.problems().get(0).contains("Names up to 39 characters"), e.getMessage());
    ArrestTrainingDocuments.parse(SPEC.replace("name: t", "name: " + "a".repeat(253)), "t");
  }

  @Test
  void budgetsAboveTheInputRangeAreRefused() {
    assertProblems(
        SPEC + "  evaluation: {epsilon: 1.5}\n",
        "spec.evaluation.epsilon: an L-inf budget is at most 1");
    assertProblems(
        SPEC + "  evaluation: {attacks: [{type: apgd-ce, norm: l2, epsilon: 29}]}\n",
        "spec.evaluation.attacks[0].epsilon: an L2 budget is at most the diameter of"
            + " fashion-mnist's input space, sqrt(784) = 28.00, found 29");
    ArrestTrainingDocuments.parse(
        SPEC + "  evaluation: {attacks: [{type: apgd-ce, norm: l2, epsilon: 2.5}]}\n", "t");
    assertProblems(
        SPEC + "  sweep: {epsilons: [0.1, 2]}\n", "spec.sweep.epsilons[1]: must be <= 1");
  }

  @Test
  void fromScratchMilestonesAreCheckedLikeTheOthers() {
    assertProblems(
        SPEC
            + "  sweep:\n    methods: [at, arrest]\n    fromScratch:\n      optimizer:"
            + " {schedule: piecewise, milestones: [0.5, 0.5]}\n",
        "spec.sweep.fromScratch.optimizer.milestones: must increase strictly within (0, 1)");
  }

  @Test
  void platformNamesFollowKubernetesFormats() {
    assertProblems(
        SPEC + "  storage: {claimName: My_Claim}\n",
        "spec.storage.claimName: 'My_Claim' does not match");
    assertProblems(
        SPEC + "  scheduling: {queueName: \"team a\"}\n",
        "spec.scheduling.queueName: 'team a' does not match");
    assertProblems(
        SPEC + "  scheduling: {priorityClassName: " + "p".repeat(254) + "}\n",
        "spec.scheduling.priorityClassName: must have at most 253 characters");
  }

  @Test
  void documentLevelProblemsSayWhatIsWrong() {
    assertProblems("", "(document): the document is empty");
    assertProblems("- 1\n- 2\n", "(document): expected a mapping");
    assertProblems(SPEC + "---\n" + SPEC, "(document): not a valid YAML/JSON document");
    assertProblems("x".repeat(ArrestTrainingDocuments.MAX_DOCUMENT_BYTES + 1), "(document): ");
    SpecException notUtf8 =
        assertThrows(
            SpecException.class,
            () -> ArrestTrainingDocuments.parse(SPEC.getBytes(StandardCharsets.UTF_16), "t"));
    assertEquals(
        List.of(
            "(document): not UTF-8 text, as Kubernetes documents are; convert it (e.g. iconv"
                + " -t UTF-8)"),
        notUtf8.problems());
    ArrestTrainingDocuments.parse(("\uFEFF" + SPEC).getBytes(StandardCharsets.UTF_8), "bom");
  }

  @Test
  void unknownMetadataFieldsAreRefused() {
    assertProblems(
        SPEC.replace("  name: t", "  name: t\n  nmespace: x"), "metadata.nmespace: unknown field");
  }

  private static void assertProblems(String document, String expectedPrefix) {
    SpecException e =
        assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(document, "t"));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.startsWith(expectedPrefix)),
        "expected a problem starting with '" + expectedPrefix + "' in " + e.problems());
  }
}
