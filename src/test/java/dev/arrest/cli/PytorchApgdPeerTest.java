package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrest.trainer.attack.ThreatModel;
import dev.arrest.trainer.testing.PythonTorch;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch APGD-CE peer's output parsing, and a tiny run of the script where Debian's
 * python3-torch is installed (skipped otherwise: CI does not install it, it is large).
 */
class PytorchApgdPeerTest {
  @Test
  void parsesTheResultLineAmongOtherOutput() {
    PytorchApgdPeer.Result result =
        PytorchApgdPeer.parse(
            "a warning\n"
                + "images_per_second=12.50 robust_accuracy=0.9700 seconds=16.00 torch=1.13.1"
                + " threads=2 samples=200\n");
    assertEquals(12.5, result.imagesPerSecond());
    assertEquals(0.97, result.robustAccuracy());
    assertTrue(result.line().contains("samples=200"), result.line());
  }

  @Test
  void rejectsOutputWithoutAValidResult() {
    assertThrows(IllegalArgumentException.class, () -> PytorchApgdPeer.parse("Traceback ..."));
    IllegalArgumentException invalid =
        assertThrows(
            IllegalArgumentException.class,
            () -> PytorchApgdPeer.parse("images_per_second=nan robust_accuracy=1.0"));
    assertTrue(invalid.getMessage().contains("images_per_second"), invalid.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> PytorchApgdPeer.parse("images_per_second=3.0 seconds=1"));
  }

  @Test
  void aTinyRunOfTheScriptReportsItsSettingsAndAResult() throws Exception {
    assumeTrue(
        PythonTorch.available(PythonTorch.PYTHON),
        PythonTorch.PYTHON
            + " cannot import torch (apt-get install python3-torch); skipping the peer run");
    PytorchApgdPeer.Result result =
        PytorchApgdPeer.run(PythonTorch.PYTHON, 6, 4, ThreatModel.linf(0.3), 5, 1, 0);
    assertTrue(result.imagesPerSecond() > 0, result.line());
    assertTrue(result.robustAccuracy() >= 0 && result.robustAccuracy() <= 1, result.line());
    assertTrue(result.line().contains("samples=6 batch=4 norm=linf"), result.line());
    assertTrue(result.line().contains("iterations=5"), result.line());
  }

  @Test
  void aMissingPythonFailsWithTheInstallHint() {
    IllegalStateException failure =
        assertThrows(
            IllegalStateException.class,
            () ->
                PytorchApgdPeer.run("/nonexistent/python3", 2, 2, ThreatModel.linf(0.1), 2, 1, 0));
    assertTrue(failure.getMessage().contains("apt-get install python3-torch"));
  }
}
