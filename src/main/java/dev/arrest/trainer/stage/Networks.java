package dev.arrest.trainer.stage;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.Initialization;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.engine.DataParallelNetwork;
import dev.arrest.trainer.engine.DataParallelTorchScript;
import dev.arrest.trainer.engine.Devices;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.engine.TorchScriptClassifier;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.model.Models;
import dev.arrest.trainer.model.RepresentationClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the spec's model for the spec's dataset, freshly initialized or loaded from a model file.
 */
final class Networks {
  private Networks() {}

  static Network create(ArrestTrainingSpec spec, NDManager manager) {
    DatasetKind kind = TrainingData.kind(spec);
    RepresentationClassifier model =
        Models.builder()
            .setArchitecture(spec.model.architecture.toString())
            .fitDataset(kind)
            .optDepth(spec.model.depth)
            .optWidenFactor(spec.model.widenFactor)
            .build();
    return new Network(model, manager, new Shape(kind.channels(), kind.height(), kind.width()));
  }

  /**
   * The network on every device of this process ({@link Devices#visible}): itself on one device,
   * else data parallel with one replica per device. Closing the result closes the network.
   */
  static TrainableClassifier onAllDevices(Network network) {
    List<Device> devices = Devices.visible();
    return devices.size() == 1 ? network : new DataParallelNetwork(network, devices);
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

  /**
   * Whether finetuning trains the TorchScript module of {@code spec.pretraining.torchScriptModel}
   * (and writes model.pt) rather than this trainer's model.
   */
  static boolean finetunesTorchScript(ArrestTrainingSpec spec) {
    return spec.pretraining.torchScriptModel != null
        && spec.finetuning.effectiveInitialization() == Initialization.PRETRAINED;
  }

  /**
   * A user's TorchScript module as the pretrained model: the student (trainable) or the frozen
   * teacher. Checks that it fits the dataset, and that it exposes its representation when {@code
   * needsFeatures}.
   *
   * @param needsFeatures why the representation is needed, or null when it is not
   */
  static TrainableClassifier loadTorchScript(
      ArrestTrainingSpec spec, NDManager manager, boolean trainable, String needsFeatures) {
    return torchScriptOnAllDevices(
        spec,
        manager,
        Path.of(spec.pretraining.torchScriptModel),
        trainable,
        "spec.pretraining.torchScriptModel",
        needsFeatures);
  }

  /**
   * The TorchScript module in {@code file} on every device of this process ({@link
   * Devices#visible}): loaded once per device and run data parallel ({@link
   * DataParallelTorchScript}) when there are several. Refused, naming {@code field}, when it cannot
   * be loaded, does not classify into the dataset's classes, or lacks the representation that
   * {@code needsFeatures} (why it is needed, or null) asks for.
   */
  static TrainableClassifier torchScriptOnAllDevices(
      ArrestTrainingSpec spec,
      NDManager manager,
      Path file,
      boolean trainable,
      String field,
      String needsFeatures) {
    DatasetKind kind = TrainingData.kind(spec);
    Shape shape = new Shape(kind.channels(), kind.height(), kind.width());
    List<Device> devices = Devices.visible();
    List<TorchScriptClassifier> replicas = new ArrayList<>(devices.size());
    try {
      for (Device device : devices) {
        NDManager onDevice = devices.size() == 1 ? manager : manager.newSubManager(device);
        TorchScriptClassifier module;
        try {
          module =
              trainable
                  ? TorchScriptClassifier.loadTrainable(file, onDevice, shape)
                  : TorchScriptClassifier.load(file, onDevice, shape);
        } catch (RuntimeException e) {
          throw new IllegalStateException(field + ": " + e.getMessage(), e);
        }
        replicas.add(module);
        if (replicas.size() == 1) {
          checkFits(spec, module, needsFeatures, field, file);
        }
      }
      return replicas.size() == 1
          ? replicas.get(0)
          : new DataParallelTorchScript(replicas, devices);
    } catch (RuntimeException e) {
      replicas.forEach(TorchScriptClassifier::close);
      throw e;
    }
  }

  private static void checkFits(
      ArrestTrainingSpec spec,
      TorchScriptClassifier module,
      String needsFeatures,
      String field,
      Path file) {
    DatasetKind kind = TrainingData.kind(spec);
    String problem = null;
    if (module.numClasses() != kind.numClasses()) {
      problem =
          "returns "
              + module.numClasses()
              + " logits, but "
              + spec.dataset.name
              + " has "
              + kind.numClasses()
              + " classes. Give the module's last layer "
              + kind.numClasses()
              + " outputs.";
    } else if (needsFeatures != null && !module.returnsFeatures()) {
      problem =
          "returns logits only, but "
              + needsFeatures
              + " needs the representation: return (logits, features) from forward"
              + " (docs/torchscript.md), or finetune with method aft";
    }
    if (problem != null) {
      throw new IllegalStateException(field + ": " + file.toAbsolutePath() + " " + problem);
    }
  }

  static void save(TrainableClassifier network, Path file) {
    try {
      network.save(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model " + file, e);
    }
  }
}
