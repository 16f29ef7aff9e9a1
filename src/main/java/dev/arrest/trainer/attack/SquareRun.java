package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;
import java.util.SplittableRandom;

/**
 * One Square run on a batch. Every iteration proposes, for each example not yet misclassified, a
 * change of one random square window of side {@code s ~ sqrt(p * pixels / channels)}, and keeps it
 * if the margin decreases.
 *
 * <p>L-inf: start from vertical stripes {@code x + eps * (+-1)} per channel and column; a proposal
 * sets the window to {@code x + eps * (+-1)} per channel. L2: start from a 5 x 5 grid of the
 * paper's centred "eta" patterns with random signs, scaled to norm eps; a proposal moves the
 * perturbation mass of a second window into the first, reshaped as an eta pattern, keeping the
 * total norm at eps. The schedule halves p after 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000
 * iterations (the reference code's schedule without rescaling to the query budget, as AutoAttack
 * runs it).
 *
 * <p>Unlike the reference PyTorch port, which draws one window and one set of signs per iteration
 * for the whole batch, each example draws its own from its own random stream, as in the original
 * Square Attack code; an example's result thus does not depend on the rest of the batch.
 */
final class SquareRun {
  private final Classifier model;
  private final ThreatModel threat;
  private final int queries;
  private final Shape imageShape;
  private final int channels;
  private final int height;
  private final int width;

  /**
   * @param fooled misclassified by {@code adversarial}, the example's best point
   */
  record Result(boolean[] fooled, float[] adversarial) {}

  SquareRun(Classifier model, ThreatModel threat, int queries, Shape imageShape) {
    if (imageShape.dimension() != 3
        || (threat.norm() == Norm.L2 && Math.min(imageShape.get(1), imageShape.get(2)) < 5)) {
      throw new IllegalArgumentException(
          "Square needs [C, H, W] images (L2: H, W >= 5), found " + imageShape);
    }
    this.model = model;
    this.threat = threat;
    this.queries = queries;
    this.imageShape = imageShape;
    this.channels = (int) imageShape.get(0);
    this.height = (int) imageShape.get(1);
    this.width = (int) imageShape.get(2);
  }

  /** The fraction of pixels a window covers at iteration {@code iteration} (0-based). */
  static double squareFraction(int iteration) {
    int[] halvings = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};
    double p = SquareAttack.P_INIT;
    for (int threshold : halvings) {
      if (iteration > threshold) {
        p /= 2;
      }
    }
    return p;
  }

  Result run(NDManager scope, float[] clean, long[] labels, SplittableRandom[] streams) {
    return run(scope, clean, labels, streams, (queries, fooled) -> {});
  }

  /** As above, reporting the queries done and the examples fooled after every query. */
  Result run(
      NDManager scope,
      float[] clean,
      long[] labels,
      SplittableRandom[] streams,
      RestartingAttack.RunProgress progress) {
    int size = labels.length;
    int pixels = clean.length / size;
    float[] best = new float[clean.length];
    for (int e = 0; e < size; e++) {
      if (threat.norm() == Norm.LINF) {
        initializeLinf(clean, best, e, streams[e]);
      } else {
        initializeL2(clean, best, e, streams[e]);
      }
    }
    float[] margin = margins(scope, best, labels, allOf(size));
    float[] candidate = new float[pixels];
    for (int iteration = 0; iteration < queries; iteration++) {
      int[] active = activeExamples(margin);
      if (active.length == 0) {
        break;
      }
      double p = squareFraction(iteration);
      float[] proposals = new float[active.length * pixels];
      for (int j = 0; j < active.length; j++) {
        int e = active[j];
        if (threat.norm() == Norm.LINF) {
          proposeLinf(clean, best, e, p, streams[e], candidate);
        } else {
          proposeL2(clean, best, e, p, streams[e], candidate);
        }
        System.arraycopy(candidate, 0, proposals, j * pixels, pixels);
      }
      float[] proposalMargins = margins(scope, proposals, labels, active);
      for (int j = 0; j < active.length; j++) {
        int e = active[j];
        // The margin is both the loss and the success criterion: keep a proposal that lowers it.
        if (proposalMargins[j] < margin[e]) {
          margin[e] = proposalMargins[j];
          System.arraycopy(proposals, j * pixels, best, e * pixels, pixels);
        }
      }
      progress.iterationsDone(iteration + 1, size - activeExamples(margin).length);
    }
    boolean[] fooled = new boolean[size];
    for (int e = 0; e < size; e++) {
      fooled[e] = margin[e] <= 0;
    }
    return new Result(fooled, best);
  }

  private void initializeLinf(float[] clean, float[] best, int e, SplittableRandom random) {
    int pixels = channels * height * width;
    for (int c = 0; c < channels; c++) {
      for (int x = 0; x < width; x++) {
        double sign = randomSign(random);
        for (int y = 0; y < height; y++) {
          int i = e * pixels + (c * height + y) * width + x;
          best[i] = clip01(clean[i] + threat.epsilon() * sign);
        }
      }
    }
  }

  private void proposeLinf(
      float[] clean, float[] best, int e, double p, SplittableRandom random, float[] out) {
    int pixels = channels * height * width;
    System.arraycopy(best, e * pixels, out, 0, pixels);
    int side =
        Math.min(
            Math.max((int) Math.rint(Math.sqrt(p * pixels / channels)), 1),
            Math.min(height, width));
    int top = randomOffset(random, height - side);
    int left = randomOffset(random, width - side);
    for (int c = 0; c < channels; c++) {
      double sign = randomSign(random);
      for (int y = top; y < top + side; y++) {
        for (int x = left; x < left + side; x++) {
          int i = (c * height + y) * width + x;
          float origin = clean[e * pixels + i];
          // best + 2 eps * sign, projected onto the ball and the box: the window's corner x + eps *
          // sign.
          double moved =
              Math.min(
                  Math.max(out[i] + 2 * threat.epsilon() * sign, origin - threat.epsilon()),
                  origin + threat.epsilon());
          out[i] = clip01(moved);
        }
      }
    }
  }

  private void initializeL2(float[] clean, float[] best, int e, SplittableRandom random) {
    int pixels = channels * height * width;
    double[] delta = new double[pixels];
    int side = height / 5;
    int offset = (height - side * 5) / 2;
    for (int top = offset; top + side <= height; top += side) {
      for (int left = offset; left + side <= width; left += side) {
        double[] pattern = SquarePatterns.eta(side, random);
        for (int c = 0; c < channels; c++) {
          double sign = randomSign(random);
          for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
              delta[(c * height + top + y) * width + left + x] += sign * pattern[y * side + x];
            }
          }
        }
      }
    }
    placeOnSphere(clean, delta, e, best, e * pixels);
  }

  private void proposeL2(
      float[] clean, float[] best, int e, double p, SplittableRandom random, float[] out) {
    int pixels = channels * height * width;
    double[] delta = new double[pixels];
    for (int i = 0; i < pixels; i++) {
      delta[i] = (double) best[e * pixels + i] - clean[e * pixels + i];
    }
    int side = Math.max((int) Math.rint(Math.sqrt(p * pixels / channels)), 3);
    side = Math.min(side % 2 == 0 ? side + 1 : side, Math.min(height, width));
    int top = randomOffset(random, height - side);
    int left = randomOffset(random, width - side);
    int top2 = randomOffset(random, height - side);
    int left2 = randomOffset(random, width - side);
    double imageNorm = 0;
    double windowsNorm = 0;
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          double d = delta[(c * height + y) * width + x];
          imageNorm += d * d;
          if (inside(y, x, top, left, side) || inside(y, x, top2, left2, side)) {
            windowsNorm += d * d;
          }
        }
      }
    }
    // Mass available per channel: what the whole perturbation lacks to reach eps, plus what both
    // windows hold.
    double channelNorm =
        Math.sqrt(
            Math.max(threat.epsilon() * threat.epsilon() - imageNorm, 0) / channels + windowsNorm);
    double[][] windows = new double[channels][side * side];
    for (int c = 0; c < channels; c++) {
      double[] pattern = SquarePatterns.eta(side, random);
      double sign = randomSign(random);
      double oldNorm = 0;
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          double d = delta[(c * height + top + y) * width + left + x];
          oldNorm += d * d;
        }
      }
      oldNorm = Math.sqrt(oldNorm);
      double newNorm = 0;
      for (int k = 0; k < side * side; k++) {
        int y = k / side;
        int x = k % side;
        windows[c][k] =
            sign * pattern[k]
                + delta[(c * height + top + y) * width + left + x] / (1e-12 + oldNorm);
        newNorm += windows[c][k] * windows[c][k];
      }
      newNorm = Math.sqrt(newNorm);
      for (int k = 0; k < side * side; k++) {
        windows[c][k] *= channelNorm / (1e-12 + newNorm);
      }
    }
    for (int c = 0; c < channels; c++) {
      for (int y = top2; y < top2 + side; y++) {
        for (int x = left2; x < left2 + side; x++) {
          delta[(c * height + y) * width + x] = 0;
        }
      }
      for (int k = 0; k < side * side; k++) {
        delta[(c * height + top + k / side) * width + left + k % side] = windows[c][k];
      }
    }
    placeOnSphere(clean, delta, e, out, 0);
  }

  /** x + eps * delta / ||delta||_2, clipped to [0, 1], written at {@code out[outOffset...]}. */
  private void placeOnSphere(float[] clean, double[] delta, int e, float[] out, int outOffset) {
    int pixels = delta.length;
    double length = 0;
    for (double d : delta) {
      length += d * d;
    }
    length = Math.sqrt(length);
    for (int i = 0; i < pixels; i++) {
      out[outOffset + i] =
          clip01(clean[e * pixels + i] + threat.epsilon() * delta[i] / (length + 1e-12));
    }
  }

  private static boolean inside(int y, int x, int top, int left, int side) {
    return y >= top && y < top + side && x >= left && x < left + side;
  }

  /**
   * Uniform in [0, range) (the reference never places a window at the last offset), or 0 when range
   * is 0.
   */
  private static int randomOffset(SplittableRandom random, int range) {
    return range <= 0 ? 0 : random.nextInt(range);
  }

  private static double randomSign(SplittableRandom random) {
    return random.nextBoolean() ? 1 : -1;
  }

  private static float clip01(double value) {
    return (float) Math.min(1, Math.max(0, value));
  }

  private float[] margins(NDManager scope, float[] images, long[] labels, int[] examples) {
    try (NDManager query = scope.newSubManager()) {
      NDArray input = query.create(images, new Shape(examples.length).addAll(imageShape));
      float[] logits = model.forward(input, false).logits().toFloatArray();
      int classes = logits.length / examples.length;
      float[] result = new float[examples.length];
      for (int j = 0; j < examples.length; j++) {
        result[j] = ClassRanking.margin(logits, j, classes, (int) labels[examples[j]]);
      }
      return result;
    }
  }

  private static int[] activeExamples(float[] margin) {
    boolean[] active = new boolean[margin.length];
    for (int e = 0; e < margin.length; e++) {
      active[e] = margin[e] > 0;
    }
    return Subsets.indicesOf(active);
  }

  private static int[] allOf(int size) {
    int[] all = new int[size];
    for (int i = 0; i < size; i++) {
      all[i] = i;
    }
    return all;
  }
}
