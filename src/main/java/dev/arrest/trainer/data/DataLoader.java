package dev.arrest.trainer.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Serves an {@link ImageDataset} as DJL batches, epoch by epoch.
 *
 * <p>Epoch {@code e} is fully determined by {@code seed + e}: the shuffled order and the random
 * augmentation both come from generators seeded with it, so a run resumed at epoch {@code e} sees
 * exactly the batches an uninterrupted run would. Turning augmentation on or off does not change
 * the order.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train, 128)
 *         .shuffle(true).seed(seed).augmentation(ImageAugmentation.standardCifar()).build();
 * for (ImageBatch batch : loader.epoch(manager, epoch)) {
 *     try (batch) {
 *         ... batch.images(), batch.labels() ...
 *     }
 * }
 * }</pre>
 */
public final class DataLoader {

  private final ImageDataset dataset;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final ImageAugmentation augmentation;
  private final boolean dropLast;

  private DataLoader(Builder builder) {
    this.dataset = builder.dataset;
    this.batchSize = builder.batchSize;
    this.shuffle = builder.shuffle;
    this.seed = builder.seed;
    this.augmentation = builder.augmentation;
    this.dropLast = builder.dropLast;
  }

  /**
   * Starts a loader over {@code dataset}: by default in dataset order, no augmentation, keeping the
   * last partial batch.
   */
  public static Builder builder(ImageDataset dataset, int batchSize) {
    return new Builder(dataset, batchSize);
  }

  public ImageDataset dataset() {
    return dataset;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Batches per epoch: the last, partial batch counts unless drop-last is set. */
  public int batchesPerEpoch() {
    int full = dataset.size() / batchSize;
    return dropLast || dataset.size() % batchSize == 0 ? full : full + 1;
  }

  /**
   * The batches of epoch {@code epoch}, created from {@code manager} one at a time as the iteration
   * reaches them. Each batch must be closed by the caller. Iterating the result again yields the
   * same batches.
   */
  public Iterable<ImageBatch> epoch(NDManager manager, int epoch) {
    Objects.requireNonNull(manager, "manager");
    return () -> new BatchIterator(manager, epoch);
  }

  private final class BatchIterator implements Iterator<ImageBatch> {

    private final NDManager manager;
    private final int[] order;
    private final SplittableRandom augmentationRandom;
    private final int batchCount = batchesPerEpoch();
    private final float[] fullBatchPixels;
    private int nextBatch;

    BatchIterator(NDManager manager, int epoch) {
      this.manager = manager;
      SplittableRandom epochRandom = new SplittableRandom(seed + epoch);
      // Split before shuffling, so the order is the same with or without augmentation.
      this.augmentationRandom = epochRandom.split();
      this.order = Permutations.identity(dataset.size());
      if (shuffle) {
        Permutations.shufflePrefix(order, order.length, epochRandom);
      }
      this.fullBatchPixels = new float[batchSize * dataset.shape().size()];
    }

    @Override
    public boolean hasNext() {
      return nextBatch < batchCount;
    }

    @Override
    public ImageBatch next() {
      if (!hasNext()) {
        throw new NoSuchElementException("epoch has only " + batchCount + " batches");
      }
      int start = nextBatch * batchSize;
      int size = Math.min(batchSize, order.length - start);
      nextBatch++;

      ImageShape shape = dataset.shape();
      int imageSize = shape.size();
      // Reused for full batches: manager.create copies the data into native memory.
      float[] pixels = size == batchSize ? fullBatchPixels : new float[size * imageSize];
      long[] labels = new long[size];
      for (int i = 0; i < size; i++) {
        int example = order[start + i];
        dataset.copyImage(example, pixels, i * imageSize);
        if (augmentation != null) {
          augmentation.apply(pixels, i * imageSize, shape, augmentationRandom);
        }
        labels[i] = dataset.label(example);
      }

      NDManager batchManager = manager.newSubManager();
      try {
        NDArray images =
            batchManager.create(
                FloatBuffer.wrap(pixels),
                new Shape(size, shape.channels(), shape.height(), shape.width()));
        NDArray labelArray = batchManager.create(labels, new Shape(size));
        return new ImageBatch(batchManager, images, labelArray);
      } catch (RuntimeException e) {
        batchManager.close();
        throw e;
      }
    }
  }

  /** Options for a {@link DataLoader}; the defaults suit evaluation. */
  public static final class Builder {

    private final ImageDataset dataset;
    private final int batchSize;
    private boolean shuffle;
    private long seed;
    private ImageAugmentation augmentation;
    private boolean dropLast;

    private Builder(ImageDataset dataset, int batchSize) {
      this.dataset = Objects.requireNonNull(dataset, "dataset");
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
      }
      this.batchSize = batchSize;
    }

    /** Reshuffle every epoch (default: dataset order). */
    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    /** Epoch {@code e} shuffles and augments with seed {@code seed + e} (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Apply {@code augmentation} (null for none) to every image of every batch. */
    public Builder augmentation(ImageAugmentation augmentation) {
      this.augmentation = augmentation;
      return this;
    }

    /** Skip the last batch if it is smaller than the batch size. */
    public Builder dropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    public DataLoader build() {
      return new DataLoader(this);
    }
  }
}
