package dev.arrest.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Trainable parameter counts (BatchNorm running statistics excluded, as PyTorch counts). */
class ParameterCountTest {

  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void smallCnnOnMnist() {
    // conv 1->32:   1*32*9 + 32  =     320
    // conv 32->32: 32*32*9 + 32  =   9,248
    // conv 32->64: 32*64*9 + 64  =  18,496
    // conv 64->64: 64*64*9 + 64  =  36,928
    // linear 1024->200 (1024 = 64*4*4): 1024*200 + 200 = 205,000
    // linear 200->200:                   200*200 + 200 =  40,200
    // linear 200->10:                     200*10 + 10  =   2,010
    // total                                              312,202
    assertEquals(1024, SmallCnn.flattenedConvFeatures(28, 28));
    assertEquals(312_202, count(Models.SMALL_CNN, 0, 0, 1, 28));
  }

  @Test
  void smallCnnOnCifarSizesTheFirstLinearLayerFromTheInput() {
    // As above with conv 3->32 (3*32*9 + 32 = 896) and linear 1600->200 (1600 = 64*5*5:
    // 32 -> 28 -> 14 -> 10 -> 5), 1600*200 + 200 = 320,200: total 427,978.
    assertEquals(1600, SmallCnn.flattenedConvFeatures(32, 32));
    assertEquals(427_978, count(Models.SMALL_CNN, 0, 0, 3, 32));
  }

  @Test
  void preActResNet18() {
    // 11,171,146 is the count without a final BatchNorm (kuangliu's pytorch-cifar); the final
    // BN-ReLU of the pre-activation design adds 2 * 512.
    assertEquals(11_171_146 + 1_024, count(Models.PREACT_RESNET18, 0, 0, 3, 32));
  }

  @Test
  void wideResNet34x10() {
    // TRADES' WRN-34-10 (46.16M), without its unused sub_block1.
    assertEquals(46_160_474, count(Models.WIDE_RESNET, 34, 10, 3, 32));
  }

  @Test
  void wideResNet16x1() {
    // stem 432; group 1: 2 blocks 16->16 (2*(2*32 + 2*2,304)) = 9,344; group 2: 16->32 s2
    // (32 + 4,608 + 64 + 9,216 + 512) + 32->32 (2*64 + 2*9,216) = 32,992; group 3: 32->64 s2
    // (64 + 18,432 + 128 + 36,864 + 2,048) + 64->64 (2*128 + 2*36,864) = 131,520;
    // final BN 128; linear 64*10 + 10 = 650. Total 175,066.
    assertEquals(175_066, count(Models.WIDE_RESNET, 16, 1, 3, 32));
  }

  private long count(String architecture, int depth, int widen, int channels, int side) {
    float[] mean = new float[channels];
    float[] std = new float[channels];
    Arrays.fill(mean, 0.5f);
    Arrays.fill(std, 0.5f);
    RepresentationClassifier model =
        Models.builder()
            .setArchitecture(architecture)
            .setImageShape(channels, side, side)
            .setNumClasses(10)
            .optNormalization(mean, std)
            .optDepth(depth)
            .optWidenFactor(widen)
            .build();
    model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
    return model.trainableParameterCount();
  }
}
