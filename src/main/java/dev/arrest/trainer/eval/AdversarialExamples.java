package dev.arrest.trainer.eval;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The worst-case adversarial example of every evaluated example that some attack broke: the image
 * of the first attack that broke it (later attacks do not run on it). Examples misclassified when
 * clean, or never broken, have none.
 */
public final class AdversarialExamples {
  private final Shape imageShape;
  private final List<Entry> entries = new ArrayList<>();

  /**
   * @param index the example's index in the evaluated set
   * @param label its true class
   * @param prediction the model's class for the adversarial image
   * @param attack index into the evaluation's attack list
   * @param image the adversarial image, [C * H * W] in [0, 1]
   */
  public record Entry(int index, int label, int prediction, int attack, float[] image) {}

  public AdversarialExamples(Shape imageShape) {
    this.imageShape = imageShape;
  }

  void add(Entry entry) {
    entries.add(entry);
  }

  public Shape imageShape() {
    return imageShape;
  }

  /** In the order found: by attack, then by example index. */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  public int size() {
    return entries.size();
  }
}
