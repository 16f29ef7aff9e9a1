package dev.arrest.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The switch for libtorch's oneDNN convolutions, and that with them off a convolution's input
 * gradient is right for channel counts oneDNN gets wrong on AVX2 and AVX-512 CPUs (the test is
 * about the kernels the trainer falls back to, on any machine).
 */
class OneDnnConvolutionsTest {
  private NDManager manager;
  private boolean enabledBefore;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager(Device.cpu());
    enabledBefore = OneDnnConvolutions.enabled();
  }

  @AfterEach
  void tearDown() {
    OneDnnConvolutions.setEnabled(enabledBefore);
    manager.close();
  }

  @Test
  void switchesOffAndOnAndLoadingATorchScriptModuleTurnsThemOff() {
    OneDnnConvolutions.setEnabled(true);
    assertTrue(OneDnnConvolutions.enabled());
    OneDnnConvolutions.turnOff();
    assertFalse(OneDnnConvolutions.enabled());
    OneDnnConvolutions.turnOff();
    assertFalse(OneDnnConvolutions.enabled());

    OneDnnConvolutions.setEnabled(true);
    TorchScriptClassifier.load(
            TorchScriptClassifierTest.resource("linear.pt"), manager, new Shape(1, 28, 28))
        .close();
    assertFalse(OneDnnConvolutions.enabled());
  }

  @ParameterizedTest(name = "{0} -> {1} channels")
  @CsvSource({"1, 1", "1, 4", "1, 6", "3, 10", "1, 16", "16, 3", "1, 24"})
  void withOneDnnOffAConvolutionsInputGradientIsRight(int inChannels, int outChannels) {
    OneDnnConvolutions.turnOff();

    ConvolutionGradientCheck.Result result =
        ConvolutionGradientCheck.run(manager, inChannels, outChannels, 10);

    assertEquals(0, result.wrongCalls(), result.toString());
    assertTrue(result.maxError() < ConvolutionGradientCheck.TOLERANCE, result.toString());
  }
}
