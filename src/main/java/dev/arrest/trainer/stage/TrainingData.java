package dev.arrest.trainer.stage;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.DatasetName;
import dev.arrest.api.v1alpha1.EvaluationSpec;
import dev.arrest.results.TestSubset;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.data.ImageAugmentation;
import dev.arrest.trainer.data.ImageDataset;
import java.nio.file.Path;

/** Turns the spec's dataset section into data loaders for training and evaluation. */
final class TrainingData {
  private TrainingData() {}

  static DatasetKind kind(ArrestTrainingSpec spec) {
    return DatasetKind.fromId(spec.dataset.name.toString());
  }

  /** The (subset of the) training set, shuffled per epoch, augmented as the spec says. */
  static DataLoader trainLoader(ArrestTrainingSpec spec, int batchSize) {
    ImageDataset train = kind(spec).load(path(spec), true);
    if (spec.dataset.trainSubset != null) {
      train = train.randomSubset(spec.dataset.trainSubset, spec.seed);
    }
    boolean augment =
        spec.dataset.augment != null
            ? spec.dataset.augment
            : spec.dataset.name != DatasetName.FASHION_MNIST;
    return DataLoader.builder(train, batchSize)
        .shuffle(true)
        .seed(spec.seed)
        .augmentation(augment ? ImageAugmentation.standardCifar() : null)
        .build();
  }

  /** The test images to evaluate on and which of the test set they are. */
  record TestImages(ImageDataset images, TestSubset subset) {}

  /**
   * The test set, or {@code spec.evaluation.samples} of its images: the first ones, or a
   * class-stratified random sample (spec.evaluation.subset).
   */
  static TestImages testImages(ArrestTrainingSpec spec) {
    EvaluationSpec evaluation = spec.evaluation;
    ImageDataset test = kind(spec).load(path(spec), false);
    int size = test.size();
    if (evaluation.samples == null || evaluation.samples == size) {
      return new TestImages(test, new TestSubset(TestSubset.ALL, size, null));
    }
    return switch (evaluation.subset) {
      case FIRST ->
          new TestImages(
              test.firstN(evaluation.samples), new TestSubset(TestSubset.FIRST, size, null));
      case STRATIFIED ->
          new TestImages(
              test.stratifiedSubset(evaluation.samples, evaluation.effectiveSubsetSeed()),
              new TestSubset(TestSubset.STRATIFIED, size, evaluation.effectiveSubsetSeed()));
    };
  }

  private static Path path(ArrestTrainingSpec spec) {
    return spec.dataset.path == null ? null : Path.of(spec.dataset.path);
  }
}
