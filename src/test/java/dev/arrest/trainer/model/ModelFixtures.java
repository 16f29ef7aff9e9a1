package dev.arrest.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Small models and helpers shared by the model tests. */
final class ModelFixtures {

  static final int CLASSES = 10;

  private ModelFixtures() {}

  /** A model of {@code architecture} for C x side x side images, light enough to run forwards. */
  static RepresentationClassifier small(String architecture, int channels, int side) {
    float[] mean = new float[channels];
    float[] std = new float[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = 0.4f + 0.05f * c;
      std[c] = 0.2f + 0.03f * c;
    }
    // depth 10, widen 2: one block per group, with projections of both kinds (channel-only and
    // strided), and a feature width (128) that differs from the other models.
    return Models.builder()
        .setArchitecture(architecture)
        .setImageShape(channels, side, side)
        .setNumClasses(CLASSES)
        .optNormalization(mean, std)
        .optDepth(10)
        .optWidenFactor(2)
        .build();
  }

  static RepresentationClassifier initialized(
      RepresentationClassifier model, NDManager manager, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    model.initialize(manager, DataType.FLOAT32, model.inputShape(2));
    return model;
  }

  static NDArray images(RepresentationClassifier model, NDManager manager, int batch, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    return manager.randomUniform(0f, 1f, model.inputShape(batch));
  }

  static NDList forward(Block model, NDManager manager, NDArray x, boolean training) {
    return model.forward(new ParameterStore(manager, false), new NDList(x), training);
  }

  /** Copies of the arrays of the parameters matching {@code filter}, by parameter path. */
  static Map<String, float[]> snapshot(Block model, Predicate<Parameter> filter) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Pair<String, Parameter> entry : model.getParameters()) {
      if (filter.test(entry.getValue())) {
        values.put(entry.getKey(), entry.getValue().getArray().toFloatArray());
      }
    }
    return values;
  }

  static boolean isRunningStatistic(Parameter parameter) {
    return parameter.getType() == Parameter.Type.RUNNING_MEAN
        || parameter.getType() == Parameter.Type.RUNNING_VAR;
  }
}
