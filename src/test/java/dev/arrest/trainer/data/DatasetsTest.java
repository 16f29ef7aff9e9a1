package dev.arrest.trainer.data;

import static dev.arrest.trainer.data.DatasetFiles.cifarRecord;
import static dev.arrest.trainer.data.DatasetFiles.write;
import static dev.arrest.trainer.data.DatasetFiles.writeFashionMnist;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

  @TempDir Path dir;

  @Test
  void kindsCarryTheFactsModelsNeed() {
    assertEquals(new ImageShape(1, 28, 28), DatasetKind.FASHION_MNIST.shape());
    assertEquals(10, DatasetKind.FASHION_MNIST.numClasses());
    assertArrayEquals(new float[] {0.2860f}, DatasetKind.FASHION_MNIST.mean());
    assertArrayEquals(new float[] {0.3530f}, DatasetKind.FASHION_MNIST.std());

    assertEquals(3, DatasetKind.CIFAR10.channels());
    assertEquals(32, DatasetKind.CIFAR10.height());
    assertEquals(32, DatasetKind.CIFAR10.width());
    assertEquals(10, DatasetKind.CIFAR10.numClasses());
    assertArrayEquals(new float[] {0.4914f, 0.4822f, 0.4465f}, DatasetKind.CIFAR10.mean());
    assertArrayEquals(new float[] {0.2471f, 0.2435f, 0.2616f}, DatasetKind.CIFAR10.std());

    assertEquals(100, DatasetKind.CIFAR100.numClasses());
    assertArrayEquals(new float[] {0.5071f, 0.4865f, 0.4409f}, DatasetKind.CIFAR100.mean());
    assertArrayEquals(new float[] {0.2673f, 0.2564f, 0.2762f}, DatasetKind.CIFAR100.std());
  }

  @Test
  void meanAndStdAreDefensiveCopies() {
    DatasetKind.CIFAR10.mean()[0] = 99f;
    DatasetKind.CIFAR10.std()[0] = 99f;

    assertEquals(0.4914f, DatasetKind.CIFAR10.mean()[0]);
    assertEquals(0.2471f, DatasetKind.CIFAR10.std()[0]);
  }

  @Test
  void namesAreMatchedIgnoringCaseDashesAndUnderscores() {
    assertEquals(DatasetKind.FASHION_MNIST, DatasetKind.fromId("fashion-mnist"));
    assertEquals(DatasetKind.FASHION_MNIST, DatasetKind.fromId("Fashion_MNIST"));
    assertEquals(DatasetKind.CIFAR10, DatasetKind.fromId("cifar10"));
    assertEquals(DatasetKind.CIFAR10, DatasetKind.fromId("CIFAR-10"));
    assertEquals(DatasetKind.CIFAR100, DatasetKind.fromId("cifar100"));
    for (DatasetKind kind : DatasetKind.values()) {
      assertEquals(kind, DatasetKind.fromId(kind.id()));
    }
  }

  @Test
  void unknownNameListsTheSupportedOnes() {
    DatasetException e =
        assertThrows(DatasetException.class, () -> Datasets.load("imagenet", dir, true));

    assertTrue(e.getMessage().contains("'imagenet'"), e.getMessage());
    assertTrue(e.getMessage().contains("fashion-mnist, cifar10, cifar100"), e.getMessage());
    assertThrows(DatasetException.class, () -> DatasetKind.fromId(null));
  }

  @Test
  void loadsEachKindFromItsDirectory() {
    writeFashionMnist(dir.resolve("fmnist"), "t10k", new byte[] {1, 2}, true);
    write(dir.resolve("c10/cifar-10-batches-bin/test_batch.bin"), cifarRecord(0, 7));
    write(dir.resolve("c100/test.bin"), cifarRecord(0, 1, 77));

    ImageDataset fashion = Datasets.load("fashion-mnist", dir.resolve("fmnist"), false);
    ImageDataset cifar10 = Datasets.load("cifar10", dir.resolve("c10"), false);
    ImageDataset cifar100 = Datasets.load("cifar100", dir.resolve("c100"), false);

    assertEquals(DatasetKind.FASHION_MNIST.shape(), fashion.shape());
    assertArrayEquals(new int[] {1, 2}, fashion.labels());
    assertEquals(DatasetKind.CIFAR10.shape(), cifar10.shape());
    assertArrayEquals(new int[] {7}, cifar10.labels());
    assertEquals(DatasetKind.CIFAR100.numClasses(), cifar100.numClasses());
    assertArrayEquals(new int[] {77}, cifar100.labels());
  }

  @Test
  void cifarWithoutPathAsksForSpecDatasetPath() {
    assertEquals(Optional.empty(), DatasetKind.CIFAR10.defaultDirectory());

    DatasetException e =
        assertThrows(DatasetException.class, () -> Datasets.load("cifar100", null, true));

    assertTrue(e.getMessage().contains("spec.dataset.path"), e.getMessage());
    assertTrue(e.getMessage().contains("cifar-100-binary.tar.gz"), e.getMessage());
  }

  @Test
  void fashionMnistWithoutPathUsesTheDebianPackageDirectory() {
    Path installed = Path.of("/usr/share/datasets/fashion-mnist");
    assertEquals(Optional.of(installed), DatasetKind.FASHION_MNIST.defaultDirectory());
    assumeTrue(Files.isDirectory(installed), "Fashion-MNIST is not installed in " + installed);

    ImageDataset test = Datasets.load("fashion-mnist", null, false);

    assertEquals("fashion-mnist-test", test.name());
    assertEquals(10000, test.size());
  }
}
