package dev.arrest.trainer.stage;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.model.Models;
import dev.arrest.trainer.model.RepresentationClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the spec's model for the spec's dataset, freshly initialized or loaded from a model file.
 */
final class Networks {
  private Networks() {}

  static Network create(ArrestTrainingSpec spec, NDManager manager) {
    DatasetKind kind = TrainingData.kind(spec);
    RepresentationClassifier model =
        Models.create(
            spec.model.architecture.toString(),
            spec.model.depth,
            spec.model.widenFactor,
            kind.channels(),
            kind.height(),
            kind.width(),
            kind.numClasses(),
            kind.mean(),
            kind.std());
    return new Network(model, manager, new Shape(kind.channels(), kind.height(), kind.width()));
  }

  /**
   * @param field the spec field or stage that names this file, for the error message
   */
  static Network load(ArrestTrainingSpec spec, NDManager manager, Path file, String field) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          field + ": model file " + file.toAbsolutePath() + " does not exist");
    }
    Network network = create(spec, manager);
    try {
      network.load(file);
    } catch (IOException e) {
      network.close();
      throw new IllegalStateException(
          field
              + ": cannot load "
              + file.toAbsolutePath()
              + " as a "
              + spec.model.architecture
              + " for "
              + spec.dataset.name
              + ": "
              + e.getMessage(),
          e);
    }
    return network;
  }

  static void save(Network network, Path file) {
    try {
      network.save(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model " + file, e);
    }
  }
}
