package dev.arrest.trainer.stage;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.DatasetName;
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

  /** The first {@code spec.evaluation.samples} test examples, in order. */
  static DataLoader testLoader(ArrestTrainingSpec spec) {
    ImageDataset test = kind(spec).load(path(spec), false);
    if (spec.evaluation.samples != null) {
      test = test.firstN(spec.evaluation.samples);
    }
    return DataLoader.builder(test, spec.evaluation.batchSize).shuffle(false).build();
  }

  private static Path path(ArrestTrainingSpec spec) {
    return spec.dataset.path == null ? null : Path.of(spec.dataset.path);
  }
}
