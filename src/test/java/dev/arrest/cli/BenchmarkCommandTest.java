package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.trainer.engine.OneDnnConvolutions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `arrest benchmark` on an architecture and input shape other than SmallCNN on Fashion-MNIST. */
class BenchmarkCommandTest {

  private static String[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      int status = ArrestCli.commandLine().execute(args);
      return new String[] {
        Integer.toString(status),
        stdout.toString(StandardCharsets.UTF_8),
        stderr.toString(StandardCharsets.UTF_8)
      };
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void measuresAWideResNetOnCifarShapedInput() {
    String[] result =
        run(
            "benchmark",
            "--no-pytorch",
            "--architecture",
            "wide-resnet",
            "--depth",
            "10",
            "--widen-factor",
            "1",
            "--dataset",
            "cifar10",
            "--batch-size",
            "2",
            "--pgd-steps",
            "1",
            "--iterations",
            "1",
            "--warmup",
            "0",
            "--threads",
            "1");
    assertEquals("0", result[0], result[2]);
    assertTrue(
        result[1].contains("WRN-10-1, input 3x32x32, batch 2, PGD-1 + RGKD, 1 threads"), result[1]);
    assertTrue(result[1].contains("DJL (this trainer)"), result[1]);
  }

  @Test
  void measuresTheCleanPretrainingStep() {
    String[] result =
        run(
            "benchmark",
            "--no-pytorch",
            "--step",
            "pretrain",
            "--batch-size",
            "4",
            "--iterations",
            "2",
            "--warmup",
            "1",
            "--threads",
            "1");
    assertEquals("0", result[0], result[2]);
    assertTrue(
        result[1].contains("SmallCNN, input 1x28x28, batch 4, clean pretraining step, 1 threads"),
        result[1]);
    assertTrue(result[1].contains("DJL (this trainer)"), result[1]);
  }

  @Test
  void measuresWithLibtorchsOwnConvolutionsAsTorchScriptModulesRun() {
    boolean enabledBefore = OneDnnConvolutions.enabled();
    try {
      OneDnnConvolutions.setEnabled(true);
      String[] result =
          run(
              "benchmark",
              "--no-pytorch",
              "--convolutions",
              "libtorch",
              "--batch-size",
              "2",
              "--pgd-steps",
              "1",
              "--iterations",
              "1",
              "--warmup",
              "0",
              "--threads",
              "1");
      assertEquals("0", result[0], result[2]);
      assertTrue(result[1].contains("CPU convolutions: libtorch's own\n"), result[1]);
      assertFalse(OneDnnConvolutions.enabled());
    } finally {
      OneDnnConvolutions.setEnabled(enabledBefore);
    }
  }

  @Test
  void rejectsUnknownConvolutions() {
    String[] result = run("benchmark", "--no-pytorch", "--convolutions", "cudnn");
    assertEquals("2", result[0]);
    assertTrue(
        result[2].contains("--convolutions cudnn: expected onednn or libtorch"), result[2]);
  }

  @Test
  void rejectsAnUnknownStep() {
    String[] result = run("benchmark", "--no-pytorch", "--step", "evaluate");
    assertEquals("2", result[0]);
    assertTrue(result[2].contains("--step evaluate: expected finetune or pretrain"), result[2]);
  }

  @Test
  void thePytorchPeerIsSmallCnnOnFashionMnistOnly() {
    String[] result = run("benchmark", "--architecture", "preact-resnet18", "--dataset", "cifar10");
    assertEquals("2", result[0]);
    assertTrue(result[2].contains("pass --no-pytorch"), result[2]);
  }

  @Test
  void rejectsAnUnknownArchitecture() {
    String[] result = run("benchmark", "--no-pytorch", "--architecture", "vgg16");
    assertEquals("2", result[0]);
    assertTrue(result[2].contains("expected one of"), result[2]);
  }
}
