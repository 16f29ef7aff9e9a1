package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.arrest.trainer.engine.NativeAllocator;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `arrest engine`, the trainer image's build-time and on-node check. */
class EngineCommandTest {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = ArrestCli.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int status = command.execute(args);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  @Test
  void printsTheEngineAndComputesOnTheDefaultDevice() {
    String[] result = run("engine");
    assertEquals("0", result[0], result[2]);
    String output = result[1];
    assertTrue(
        output.contains("engine: PyTorch 2.7.1 (DJL " + Engine.getDjlVersion() + ")"), output);
    assertTrue(output.matches("(?s).*natives: /.+\\n.*"), output);
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    assertTrue(output.contains("gpus: " + gpus), output);
    assertTrue(output.contains("device: " + (gpus > 0 ? "gpu(0)" : "cpu()")), output);
    assertTrue(output.contains("check: sum(0..3) = 6.0"), output);
    assertTrue(output.contains("allocator: " + NativeAllocator.current().displayName()), output);
    // Right or wrong depends on the CPU (OneDnnConvolutions); the line is there either way.
    assertTrue(
        output.matches(
            "(?s).*convolution input gradients \\(CPU, (oneDNN|libtorch's own) kernels\\): "
                + "(right for 4, 6, 10, 16, 24, 32 output channels"
                + "|WRONG for .+ channels in .+)\n.*"),
        output);
    if (gpus == 0) {
      assertTrue(output.contains("training devices: cpu()\n"), output);
    } else {
      // Every visible GPU is listed and computes.
      for (int i = 0; i < gpus; i++) {
        assertTrue(output.contains("check: sum(0..3) = 6.0 on gpu(" + i + ")"), output);
      }
    }
  }

  @Test
  void requireGpuFailsWithoutOne() {
    String[] result = run("engine", "--require-gpu");
    if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
      assertEquals("3", result[0]);
      assertTrue(result[2].contains("no GPU visible"), result[2]);
    } else {
      assertEquals("0", result[0]);
    }
  }
}
