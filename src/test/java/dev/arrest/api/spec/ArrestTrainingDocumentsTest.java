package dev.arrest.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.Architecture;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.DatasetName;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.Initialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ArrestTrainingDocumentsTest {

  static final String MINIMAL =
      """
      apiVersion: arrest.dev/v1alpha1
      kind: ArrestTraining
      metadata:
        name: t
      spec:
        dataset:
          name: fashion-mnist
        model:
          architecture: small-cnn
        finetuning:
          method: arrest
      """;

  static Stream<Path> examples() throws IOException {
    return Files.walk(Path.of("examples")).filter(p -> p.toString().endsWith(".yaml"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyShippedExampleIsValid(Path example) {
    ArrestTraining training = ArrestTrainingDocuments.read(example);
    assertNotNull(training.getSpec().finetuning.method);
  }

  @Test
  void minimalDocumentGetsDocumentedDefaults() {
    ArrestTraining training = ArrestTrainingDocuments.parse(MINIMAL, "test");
    assertEquals(DatasetName.FASHION_MNIST, training.getSpec().dataset.name);
    assertEquals(Architecture.SMALL_CNN, training.getSpec().model.architecture);
    assertEquals(FinetuningMethod.ARREST, training.getSpec().finetuning.method);
    assertEquals(
        Initialization.PRETRAINED, training.getSpec().finetuning.effectiveInitialization());
    assertEquals(37.5, training.getSpec().finetuning.noisyReplay.thresholdDegrees);
    assertEquals(1, training.getSpec().evaluation.attacks.size());
    assertEquals("pgd-20", training.getSpec().evaluation.attacks.get(0).displayName());
  }

  @Test
  void baselinesTrainFromScratchByDefault() {
    ArrestTraining training =
        ArrestTrainingDocuments.parse(MINIMAL.replace("method: arrest", "method: trades"), "t");
    assertEquals(Initialization.SCRATCH, training.getSpec().finetuning.effectiveInitialization());
  }

  @Test
  void unknownFieldIsNamedWithItsPath() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                ArrestTrainingDocuments.parse(
                    MINIMAL.replace("method: arrest", "method: arrest\n    epoch: 3"), "t"));
    assertTrue(e.getMessage().contains("spec.finetuning.epoch: unknown field"), e.getMessage());
    assertTrue(e.getMessage().contains("epochs"), "lists the known fields: " + e.getMessage());
  }

  @Test
  void badEnumValueListsTheAllowedOnes() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                ArrestTrainingDocuments.parse(
                    MINIMAL.replace("method: arrest", "method: madry"), "t"));
    assertTrue(
        e.getMessage()
            .contains("spec.finetuning.method: 'madry' is not one of: at, trades, aft, arrest"),
        e.getMessage());
  }

  @Test
  void boundsFromTheSchemaAnnotationsAreEnforcedWithFieldPaths() {
    String bad =
        MINIMAL.replace(
            "method: arrest",
            """
            method: arrest
                epochs: 0
                attack:
                  epsilon: 0
                noisyReplay:
                  thresholdDegrees: 190\
            """);
    SpecException e =
        assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(bad, "t"));
    assertEquals(
        List.of(
            "spec.finetuning.epochs: must be >= 1, found 0",
            "spec.finetuning.attack.epsilon: must be > 0, found 0",
            "spec.finetuning.noisyReplay.thresholdDegrees: must be <= 180, found 190"),
        e.problems());
  }

  @Test
  void missingRequiredSectionsAreReported() {
    String bad =
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata:
          name: t
        spec:
          model:
            architecture: small-cnn
        """;
    SpecException e =
        assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(bad, "t"));
    assertEquals(List.of("spec.dataset: required", "spec.finetuning: required"), e.problems());
  }

  @Test
  void wrongKindAndApiVersionAreRejected() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                ArrestTrainingDocuments.parse(
                    MINIMAL
                        .replace("kind: ArrestTraining", "kind: PyTorchJob")
                        .replace("arrest.dev/v1alpha1", "v1"),
                    "t"));
    assertTrue(
        e.problems().contains("apiVersion: expected arrest.dev/v1alpha1, found v1"),
        e.getMessage());
    assertTrue(
        e.problems().contains("kind: expected ArrestTraining, found PyTorchJob"), e.getMessage());
  }

  @Test
  void crossFieldRules() {
    assertProblem(
        MINIMAL.replace("name: fashion-mnist", "name: cifar10"),
        "spec.dataset.path: required for cifar10");
    assertProblem(
        MINIMAL.replace("architecture: small-cnn", "architecture: wide-resnet\n    depth: 30"),
        "spec.model.depth: wide-resnet needs (depth - 4) divisible by 6");
    assertProblem(
        MINIMAL.replace("method: arrest", "method: arrest\n    initialization: scratch"),
        "spec.finetuning.initialization: arrest needs the pretrained model");
    assertProblem(
        MINIMAL.replace(
            "method: arrest",
            """
            method: arrest
                optimizer:
                  schedule: piecewise
                  milestones: [0.8, 0.5]\
            """),
        "spec.finetuning.optimizer.milestones: must increase strictly");
    assertProblem(
        MINIMAL + "  evaluation:\n    attacks: []\n", "spec.evaluation.attacks: list at least one");
    assertProblem(
        MINIMAL + "  evaluation:\n    tradeoff: {reference: cifar11}\n",
        "spec.evaluation.tradeoff: ");
    assertProblem(
        MINIMAL + "  evaluation:\n    tradeoff: {}\n",
        "spec.evaluation.tradeoff: give exactly one");
    assertProblem(
        MINIMAL + "  evaluation:\n    attacks: [{type: pgd}, {type: pgd}]\n",
        "spec.evaluation.attacks[1]: duplicate of pgd-20");
  }

  @Test
  void yamlSyntaxErrorsNameTheLine() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> ArrestTrainingDocuments.parse("apiVersion: [unclosed\nkind: x\n", "t"));
    assertTrue(e.getMessage().contains("line"), e.getMessage());
  }

  @Test
  void roundTripsThroughYaml() {
    ArrestTraining training = ArrestTrainingDocuments.parse(MINIMAL, "t");
    ArrestTraining again =
        ArrestTrainingDocuments.parse(ArrestTrainingDocuments.toYaml(training), "again");
    assertEquals(ArrestTrainingDocuments.toYaml(training), ArrestTrainingDocuments.toYaml(again));
    assertFalse(
        ArrestTrainingDocuments.toYaml(training).contains("status"),
        "no status in a spec document");
  }

  private static void assertProblem(String document, String expectedPrefix) {
    SpecException e =
        assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(document, "t"));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.startsWith(expectedPrefix)),
        "expected a problem starting with '" + expectedPrefix + "' in " + e.problems());
  }
}
