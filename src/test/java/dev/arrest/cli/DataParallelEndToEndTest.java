package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.engine.Devices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every stage data parallel on a device list of two CPU replicas ({@code
 * -Darrest.devices=cpu,cpu}), as a multi-GPU pod runs them on its GPUs.
 */
class DataParallelEndToEndTest {
  private static final Path SPEC = Path.of("src/test/resources/specs/tiny-arrest.yaml");

  @BeforeAll
  static void needsFashionMnist() {
    CliFixture.assumeFashionMnist();
  }

  @AfterEach
  void oneDeviceAgain() {
    System.clearProperty(Devices.PROPERTY);
  }

  @Test
  void allStagesRunOnTwoReplicasAndEvaluateAsOneDeviceDoes(@TempDir Path out) throws IOException {
    System.setProperty(Devices.PROPERTY, "cpu,cpu");
    PrintStream stdout = System.out;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
      status =
          CliFixture.cli("run", SPEC.toString(), "--output", out.toString(), "--progress", "lines");
    } finally {
      System.setOut(stdout);
    }
    String printed = log.toString(StandardCharsets.UTF_8);

    assertEquals(0, status, printed);
    RunResults parallel = ResultsJson.read(out.resolve("results.json"), RunResults.class);
    for (Stage stage : Stage.values()) {
      assertEquals(StageStatus.SUCCEEDED, parallel.stages.get(stage).status, stage.toString());
    }
    assertTrue(printed.contains("data parallel on cpu(), cpu()"), printed);
    assertTrue(
        parallel.summary.standardAccuracy() > 0.3,
        "learns: " + parallel.summary.standardAccuracy());

    // The same finetuned model evaluated on one device: eval-mode passes do not depend on the
    // split (up to float summation order, which can move an example that sits on a decision
    // boundary).
    System.clearProperty(Devices.PROPERTY);
    assertEquals(
        0, CliFixture.cli("stage", "evaluate", "-o", out.toString(), "--spec", SPEC.toString()));
    StageResult single =
        ResultsJson.read(out.resolve("evaluate/stage-result.json"), StageResult.class);
    assertEquals(
        parallel.stages.get(Stage.EVALUATE).evaluation.standardAccuracy(),
        single.evaluation.standardAccuracy(),
        0.011);
    assertEquals(
        parallel.stages.get(Stage.EVALUATE).evaluation.robustAccuracy(),
        single.evaluation.robustAccuracy(),
        0.021);
  }

  @Test
  void theDeviceListIsParsedOrRefusedNamingTheProperty() {
    System.setProperty(Devices.PROPERTY, "cpu, gpu1");
    assertEquals(List.of(Device.cpu(), Device.gpu(1)), Devices.visible());

    System.setProperty(Devices.PROPERTY, "tpu0");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, Devices::visible);
    assertTrue(error.getMessage().contains("-Darrest.devices"), error.getMessage());
  }
}
