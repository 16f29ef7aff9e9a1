package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrest.trainer.testing.PythonTorch;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch APGD-CE peer halves its step at the same checkpoints as {@link ApgdStepSizeControl},
 * so that the benchmark compares the same algorithm (skipped where python3-torch is missing).
 */
class PytorchApgdPeerScriptTest {

  @Test
  void thePeerUsesTheSameCheckpointsAsApgd(@TempDir Path dir) throws Exception {
    assumeTrue(
        PythonTorch.available(PythonTorch.PYTHON),
        PythonTorch.PYTHON + " cannot import torch (apt-get install python3-torch); skipping");
    try (InputStream in = getClass().getResourceAsStream("/benchmarks/pytorch_apgd_ce.py")) {
      Files.write(dir.resolve("pytorch_apgd_ce.py"), in.readAllBytes());
    }
    int[] iterations = {5, 20, 100};
    // One interpreter for all: importing torch takes seconds.
    Process process =
        new ProcessBuilder(
                PythonTorch.PYTHON,
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); import pytorch_apgd_ce as p;"
                    + " [print(sorted(p.checkpoint_intervals(int(n)))) for n in sys.argv[2:]]",
                dir.toString(),
                "5",
                "20",
                "100")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
    List<String> lines = output.lines().toList();
    assertEquals(iterations.length, lines.size(), output);
    for (int i = 0; i < iterations.length; i++) {
      assertEquals(
          ApgdStepSizeControl.checkpoints(iterations[i]).toString(),
          lines.get(i),
          "N = " + iterations[i]);
    }
  }
}
