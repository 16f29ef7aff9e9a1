package dev.arrest.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SGD with momentum, L2 weight decay and optional Nesterov momentum, with PyTorch's update rule (g
 * = grad + wd * w; buf = momentum * buf + g; w -= lr * (nesterov ? g + momentum * buf : buf)).
 *
 * <p>Written here rather than taken from DJL because a resumed stage must continue with the same
 * momentum buffers, and DJL's optimizers keep them private. Gradients are zeroed after each update,
 * so nothing accumulated before the next backward pass (e.g. by an attack run on unfrozen weights)
 * leaks into it.
 */
public final class SgdOptimizer {
  private final Supplier<List<Pair<String, Parameter>>> parameters;
  private final double momentum;
  private final double weightDecay;
  private final boolean nesterov;
  private final NDManager stateManager;
  private final Map<String, NDArray> momentumBuffers = new LinkedHashMap<>();

  public SgdOptimizer(
      List<Pair<String, Parameter>> parameters,
      double momentum,
      double weightDecay,
      boolean nesterov,
      NDManager stateManager) {
    this(() -> parameters, momentum, weightDecay, nesterov, stateManager);
  }

  /**
   * @param parameters asked at every step, for models whose parameter arrays are replaced when a
   *     checkpoint is restored (TorchScript modules are reloaded whole)
   */
  public SgdOptimizer(
      Supplier<List<Pair<String, Parameter>>> parameters,
      double momentum,
      double weightDecay,
      boolean nesterov,
      NDManager stateManager) {
    this.parameters = parameters;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
    this.stateManager = stateManager;
  }

  /** Applies one update with the given learning rate, then zeroes the gradients. */
  public void step(double learningRate) {
    for (Pair<String, Parameter> entry : parameters.get()) {
      NDArray weight = entry.getValue().getArray();
      if (!weight.hasGradient()) {
        continue;
      }
      // The gradient tensor is scratch space from here on: it is updated in place and zeroed at the
      // end. Every temporary is closed explicitly, because results of ops on the weight would
      // otherwise live as long as the model.
      try (NDArray gradient = weight.getGradient()) {
        if (weightDecay != 0) {
          try (NDArray decay = weight.mul((float) weightDecay)) {
            gradient.addi(decay);
          }
        }
        NDArray direction = gradient;
        if (momentum != 0) {
          NDArray buffer = momentumBuffers.get(entry.getKey());
          if (buffer == null) {
            buffer = gradient.duplicate();
            buffer.attach(stateManager);
            momentumBuffers.put(entry.getKey(), buffer);
          } else {
            buffer.muli((float) momentum).addi(gradient);
          }
          if (nesterov) {
            try (NDArray lookahead = buffer.mul((float) momentum)) {
              gradient.addi(lookahead);
            }
          } else {
            direction = buffer;
          }
        }
        try (NDArray delta = direction.mul((float) learningRate)) {
          weight.subi(delta);
        }
        gradient.subi(gradient);
      }
    }
  }

  /** Writes the momentum buffers, keyed by parameter name. */
  public void save(DataOutputStream out) throws IOException {
    out.writeInt(momentumBuffers.size());
    for (Map.Entry<String, NDArray> entry : momentumBuffers.entrySet()) {
      out.writeUTF(entry.getKey());
      byte[] encoded = entry.getValue().encode();
      out.writeInt(encoded.length);
      out.write(encoded);
    }
  }

  /**
   * Restores buffers written by {@link #save}; fails when they do not belong to this model's
   * parameters.
   */
  public void load(DataInputStream in) throws IOException {
    momentumBuffers.values().forEach(NDArray::close);
    momentumBuffers.clear();
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      String name = in.readUTF();
      byte[] encoded = new byte[in.readInt()];
      in.readFully(encoded);
      Parameter parameter =
          parameters.get().stream()
              .filter(p -> p.getKey().equals(name))
              .map(Pair::getValue)
              .findFirst()
              .orElseThrow(
                  () ->
                      new IOException(
                          "optimizer state names parameter '"
                              + name
                              + "', which this model does not have"));
      NDArray buffer = stateManager.decode(encoded);
      if (!buffer.getShape().equals(parameter.getArray().getShape())) {
        throw new IOException(
            "optimizer state for '"
                + name
                + "' has shape "
                + buffer.getShape()
                + " but the parameter has "
                + parameter.getArray().getShape());
      }
      momentumBuffers.put(name, buffer);
    }
  }
}
