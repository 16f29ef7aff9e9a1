package dev.arrest.trainer.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@link AdversarialExamples} as {@code adversarial-examples.npz} (see docs/autoattack.md):
 * arrays {@code indices}, {@code labels}, {@code predictions}, {@code attacks} (int64 [M]), {@code
 * images} (float32 [M, C, H, W]) and {@code attack_names} (the evaluation's attacks in order,
 * indexed by {@code attacks}).
 */
public final class AdversarialExamplesFile {
  public static final String FILE_NAME = "adversarial-examples.npz";

  private AdversarialExamplesFile() {}

  public static void write(AdversarialExamples examples, List<String> attackNames, Path file)
      throws IOException {
    List<AdversarialExamples.Entry> entries = examples.entries();
    int count = entries.size();
    int pixels = (int) examples.imageShape().size();
    long[] indices = new long[count];
    long[] labels = new long[count];
    long[] predictions = new long[count];
    long[] attacks = new long[count];
    float[] images = new float[count * pixels];
    for (int i = 0; i < count; i++) {
      AdversarialExamples.Entry entry = entries.get(i);
      indices[i] = entry.index();
      labels[i] = entry.label();
      predictions[i] = entry.prediction();
      attacks[i] = entry.attack();
      System.arraycopy(entry.image(), 0, images, i * pixels, pixels);
    }
    long[] shape = new long[1 + examples.imageShape().dimension()];
    shape[0] = count;
    for (int d = 0; d < examples.imageShape().dimension(); d++) {
      shape[d + 1] = examples.imageShape().get(d);
    }
    try (NpzWriter npz = new NpzWriter(file)) {
      npz.longs("indices", indices, count);
      npz.longs("labels", labels, count);
      npz.longs("predictions", predictions, count);
      npz.longs("attacks", attacks, count);
      npz.floats("images", images, shape);
      npz.strings("attack_names", attackNames.toArray(String[]::new));
      npz.commit();
    }
  }
}
