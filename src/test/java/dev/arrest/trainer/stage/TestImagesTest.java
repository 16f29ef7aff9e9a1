package dev.arrest.trainer.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.results.TestSubset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test images an evaluation takes (spec.evaluation.samples and subset), on Fashion-MNIST. */
class TestImagesTest {

  @BeforeAll
  static void needsFashionMnist() {
    assumeTrue(
        Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
        "Fashion-MNIST missing: run .ci/setup.sh (apt-get install dataset-fashion-mnist)");
  }

  private static ArrestTrainingSpec spec(String evaluation) {
    return ArrestTrainingDocuments.parse(
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
              evaluation:
            """
                + evaluation.indent(4),
            "t")
        .getSpec();
  }

  @Test
  void aStratifiedSubsetHasEveryClassEquallyOftenAndIsRecorded() {
    TrainingData.TestImages first = TrainingData.testImages(spec("samples: 200"));
    TrainingData.TestImages stratified =
        TrainingData.testImages(spec("samples: 200\nsubset: stratified"));

    int[] tens = new int[10];
    Arrays.fill(tens, 20);
    assertArrayEquals(tens, stratified.images().classCounts(), "the test set has 1000 per class");
    assertFalse(
        Arrays.equals(tens, first.images().classCounts()),
        "the first 200 are not balanced: " + Arrays.toString(first.images().classCounts()));
    assertEquals(new TestSubset(TestSubset.STRATIFIED, 10000, 0L), stratified.subset());
    assertEquals(new TestSubset(TestSubset.FIRST, 10000, null), first.subset());
    assertEquals(
        new TestSubset(TestSubset.ALL, 10000, null),
        TrainingData.testImages(spec("subset: stratified")).subset(),
        "without samples every image is evaluated");
  }
}
