package dev.arrest.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

/**
 * Compares a 3x3 convolution's input gradient, as libtorch computes it on the CPU with whatever
 * kernels are switched on, with a direct double-precision computation, over several calls (the
 * wrong gradients of {@link OneDnnConvolutions} change from call to call). {@code arrest engine}
 * prints the outcome, so a machine's kernels can be checked where the trainer runs.
 */
public final class ConvolutionGradientCheck {
  /** Elements off by more than this (gradients are of order 1) make a call wrong. */
  public static final double TOLERANCE = 1e-4;

  private static final int BATCH = 2;
  private static final int SIDE = 12;

  /**
   * The outcome for one shape: in how many calls some element was wrong, and the largest error
   * (infinite when some element was NaN).
   */
  public record Result(
      int inChannels, int outChannels, int calls, int wrongCalls, double maxError) {
    public boolean right() {
      return wrongCalls == 0;
    }
  }

  private ConvolutionGradientCheck() {}

  /**
   * Runs {@code calls} forward-backward passes of one convolution (padding 1) on random data drawn
   * after reseeding the engine's generator (so every machine checks the same numbers).
   */
  public static Result run(NDManager parent, int inChannels, int outChannels, int calls) {
    try (NDManager manager = parent.newSubManager()) {
      Engine.getInstance().setRandomSeed(7);
      NDArray x = manager.randomUniform(0f, 1f, new Shape(BATCH, inChannels, SIDE, SIDE));
      NDArray weight = manager.randomNormal(new Shape(outChannels, inChannels, 3, 3));
      NDArray bias = manager.randomNormal(new Shape(outChannels));
      NDArray outputGradient = manager.randomNormal(new Shape(BATCH, outChannels, SIDE, SIDE));
      double[] expected =
          inputGradient(
              x.toFloatArray(),
              weight.toFloatArray(),
              outputGradient.toFloatArray(),
              inChannels,
              outChannels);
      int wrongCalls = 0;
      double maxError = 0;
      for (int call = 0; call < calls; call++) {
        NDArray input = x.duplicate();
        input.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray y =
              Conv2d.conv2d(
                      input, weight, bias, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1))
                  .get(0);
          collector.backward(y.mul(outputGradient).sum());
        }
        float[] actual = input.getGradient().toFloatArray();
        double callError = 0;
        for (int i = 0; i < expected.length; i++) {
          double error = Math.abs(actual[i] - expected[i]);
          // NaN compares false: count it as an infinite error.
          callError = Math.max(callError, Double.isNaN(error) ? Double.POSITIVE_INFINITY : error);
        }
        if (callError > TOLERANCE) {
          wrongCalls++;
        }
        maxError = Math.max(maxError, callError);
      }
      return new Result(inChannels, outChannels, calls, wrongCalls, maxError);
    }
  }

  /** d(sum(conv(x) * g))/dx, summed in double precision from its definition. */
  private static double[] inputGradient(
      float[] x, float[] weight, float[] g, int inChannels, int outChannels) {
    double[] dx = new double[x.length];
    for (int n = 0; n < BATCH; n++) {
      for (int o = 0; o < outChannels; o++) {
        for (int row = 0; row < SIDE; row++) {
          for (int col = 0; col < SIDE; col++) {
            double upstream = g[((n * outChannels + o) * SIDE + row) * SIDE + col];
            for (int i = 0; i < inChannels; i++) {
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  int inRow = row + ky - 1;
                  int inCol = col + kx - 1;
                  if (inRow >= 0 && inRow < SIDE && inCol >= 0 && inCol < SIDE) {
                    dx[((n * inChannels + i) * SIDE + inRow) * SIDE + inCol] +=
                        upstream * weight[((o * inChannels + i) * 3 + ky) * 3 + kx];
                  }
                }
              }
            }
          }
        }
      }
    }
    return dx;
  }
}
