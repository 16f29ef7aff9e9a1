package dev.arrest.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps pixels in [0, 1] to {@code (x - mean) / std} per channel, for NCHW input.
 *
 * <p>It lives inside the model so that attacks perturb raw pixels and their budgets stay in pixel
 * units. It has no parameters; the per-channel constants are built once per device, attached to the
 * manager the model is initialized with (or, if it never was, the parameter store's), and rebuilt
 * only if that manager has been closed.
 */
public final class InputNormalization extends AbstractBlock {

  private static final byte VERSION = 1;

  private final float[] mean;
  private final float[] std;
  private final Map<Device, Constants> constantsByDevice = new ConcurrentHashMap<>();

  /**
   * @param mean per-channel mean, in pixel units
   * @param std per-channel standard deviation, in pixel units; every entry must be positive
   */
  public InputNormalization(float[] mean, float[] std) {
    super(VERSION);
    if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException(
          "mean and std need one entry per channel, got mean="
              + Arrays.toString(mean)
              + " std="
              + Arrays.toString(std));
    }
    for (int c = 0; c < std.length; c++) {
      if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
        throw new IllegalArgumentException(
            "channel "
                + c
                + " needs a finite mean and a finite std > 0, got mean="
                + mean[c]
                + " std="
                + std[c]);
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  public int channels() {
    return mean.length;
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  @Override
  public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
    long channels = inputShapes[0].get(1);
    if (channels != mean.length) {
      throw new IllegalArgumentException(
          "normalization has "
              + mean.length
              + " channels, input "
              + inputShapes[0]
              + " has "
              + channels);
    }
    super.initialize(manager, dataType, inputShapes);
    constantsOn(manager.getDevice(), manager);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Constants constants = constantsOn(x.getDevice(), parameterStore.getManager());
    // x.sub allocates the output; dividing that fresh array in place saves a second allocation and
    // is autograd-safe (neither sub nor div needs the overwritten value for its backward).
    return new NDList(x.sub(constants.mean).divi(constants.std));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  private Constants constantsOn(Device device, NDManager fallbackOwner) {
    Constants cached = constantsByDevice.get(device);
    if (cached != null && cached.isUsable()) {
      return cached;
    }
    Constants created = Constants.create(mean, std, device, fallbackOwner);
    constantsByDevice.put(device, created);
    return created;
  }

  /** Mean and std shaped [1, C, 1, 1] so they broadcast over NCHW batches. */
  private record Constants(NDArray mean, NDArray std) {

    static Constants create(float[] mean, float[] std, Device device, NDManager owner) {
      Shape shape = new Shape(1, mean.length, 1, 1);
      return new Constants(
          onDevice(owner.create(mean, shape), device), onDevice(owner.create(std, shape), device));
    }

    private static NDArray onDevice(NDArray array, Device device) {
      NDArray moved = array.toDevice(device, false);
      if (moved != array) {
        array.close();
      }
      return moved;
    }

    boolean isUsable() {
      return !mean.isReleased() && !std.isReleased();
    }
  }
}
