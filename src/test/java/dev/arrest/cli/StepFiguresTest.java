package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.trainer.engine.ProcessUsage;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepFiguresTest {

  @Test
  void parsesThePyTorchPeersLine() {
    String line =
        "images_per_second=167.25 user_seconds_per_step=1.5300 system_seconds_per_step=0.0400"
            + " minor_faults_per_step=4066.1 allocator=glibc torch=1.13.1 threads=2 batch=128"
            + " pgd_steps=10 iterations=30\n";
    StepFigures peer = StepFigures.fromPeerLine("PyTorch eager", line);
    assertEquals(new StepFigures("PyTorch eager", 167.25, 1.53, 0.04, 4066.1, "glibc"), peer);
  }

  @Test
  void aPeerLineWithoutAFigureNamesIt() {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> StepFigures.fromPeerLine("peer", "images_per_second=10 allocator=glibc"));
    assertTrue(missing.getMessage().contains("user_seconds_per_step"), missing.getMessage());
    IllegalArgumentException malformed =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StepFigures.fromPeerLine(
                    "peer",
                    "images_per_second=fast user_seconds_per_step=1 system_seconds_per_step=1"
                        + " minor_faults_per_step=1"));
    assertTrue(malformed.getMessage().contains("images_per_second=fast"), malformed.getMessage());
  }

  @Test
  void perStepFiguresDivideTheProcessUsageByTheSteps() {
    StepFigures djl =
        StepFigures.of("DJL", 250.0, new ProcessUsage(35.4, 1.2, 93_609), 30, "jemalloc");
    assertEquals(1.18, djl.userSecondsPerStep(), 1e-9);
    assertEquals(0.04, djl.systemSecondsPerStep(), 1e-9);
    assertEquals(3120.3, djl.minorFaultsPerStep(), 1e-9);
  }

  @Test
  void theTableHasAHeaderAndARowPerEngine() {
    String table =
        StepFigures.table(
            List.of(
                new StepFigures("DJL (this trainer)", 250.04, 1.18, 0.04, 3120.3, "jemalloc"),
                new StepFigures("PyTorch eager (python3)", 167.2, 1.53, 0.04, 4066.1, "glibc")));
    List<String> lines = table.lines().toList();
    assertEquals(3, lines.size(), table);
    assertTrue(lines.get(0).startsWith("engine"), table);
    assertTrue(lines.get(0).contains("minor faults/step"), table);
    assertTrue(
        lines.get(1).matches("DJL \\(this trainer\\) +250\\.0 +1\\.180 +0\\.040 +3120 +jemalloc"),
        table);
    assertTrue(lines.get(2).contains("4066"), table);
  }

  @Test
  void slowStepsKeepThreeDecimalsOfImagesPerSecond() {
    String table =
        StepFigures.table(
            List.of(new StepFigures("DJL (this trainer)", 0.0613, 31.2, 0.2, 3000, "jemalloc")));
    assertTrue(table.lines().toList().get(1).contains(" 0.061 "), table);
  }
}
