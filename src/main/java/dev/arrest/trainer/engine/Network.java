package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.arrest.trainer.model.ModelCheckpointIO;
import dev.arrest.trainer.model.RepresentationClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A classifier ready to run: its block, initialized on its own manager, and the parameter store
 * forward passes read from. The block follows the model contract: {@code forward(x)} returns {@code
 * NDList(logits, features)}.
 */
public final class Network implements TrainableClassifier {
  private final RepresentationClassifier block;
  private final NDManager manager;
  private final ParameterStore parameterStore;

  /** Parameters that learn; batch-norm running statistics never take gradients, frozen or not. */
  private final Set<Parameter> trainable;

  /**
   * @param block an uninitialized model block
   * @param parent the manager the network's parameters live under (their device is the parent's
   *     device)
   * @param inputShape one example's shape, (channels, height, width)
   */
  public Network(RepresentationClassifier block, NDManager parent, Shape inputShape) {
    this(block, inputShape, parent.newSubManager());
  }

  /**
   * @param owned the manager the network's parameters live under, closed with the network
   */
  private Network(RepresentationClassifier block, Shape inputShape, NDManager owned) {
    this.block = block;
    this.manager = owned;
    this.parameterStore = new ParameterStore(manager, false);
    block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(inputShape));
    this.trainable = Collections.newSetFromMap(new IdentityHashMap<>());
    block.getParameters().values().stream()
        .filter(Parameter::requiresGradient)
        .forEach(trainable::add);
  }

  /**
   * Runs the model; {@code training} selects batch statistics (and updates them) in batch-norm
   * layers.
   */
  @Override
  public Outputs forward(NDArray images, boolean training) {
    NDList out = block.forward(parameterStore, new NDList(images), training);
    return new Outputs(out.get(0), out.get(1));
  }

  /**
   * Frozen parameters take no gradient: attacks freeze the model so that their backward passes
   * neither compute nor accumulate weight gradients.
   */
  @Override
  public void setFrozen(boolean frozen) {
    block.freezeParameters(frozen, trainable::contains);
  }

  /** Writes the model file (all parameters, batch-norm running statistics included) atomically. */
  @Override
  public void save(Path file) throws IOException {
    ModelCheckpointIO.save(block, file);
  }

  /** Loads a model file written by {@link #save} for the same architecture and data shape. */
  @Override
  public void load(Path file) throws IOException {
    ModelCheckpointIO.load(block, manager, file);
  }

  @Override
  public List<Pair<String, Parameter>> parameters() {
    return block.getParameters().stream().toList();
  }

  @Override
  public String description() {
    return block.description();
  }

  @Override
  public String modelFileName() {
    return "model.params";
  }

  @Override
  public int numClasses() {
    return block.numClasses();
  }

  /** The device the parameters live on, where forward passes must get their input. */
  public Device device() {
    return manager.getDevice();
  }

  /**
   * A network of the same architecture on {@code device}, under this network's manager (closed with
   * it). Its parameters are freshly initialized: copy the state over before use.
   */
  public Network replicaOn(Device device) {
    return new Network(block.freshCopy(), block.imageShape(), manager.newSubManager(device));
  }

  public RepresentationClassifier block() {
    return block;
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
