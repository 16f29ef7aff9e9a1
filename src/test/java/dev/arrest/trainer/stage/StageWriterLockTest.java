package dev.arrest.trainer.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard against two trainers writing one stage directory, with a second process holding the
 * lock as a replaced pod's trainer would.
 */
class StageWriterLockTest {
  @TempDir Path stage;

  /** Holds the lock of the directory in args[0] until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      StageWriterLock.acquire(Path.of(args[0]), Duration.ofSeconds(5), System.err::println);
      System.out.println("locked");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private Process holder() throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                stage.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("locked", out.readLine());
    return process;
  }

  @Test
  void aSecondTrainerWaitsForTheFirstAndGoesOnOnceItIsKilled() throws Exception {
    Process first = holder();
    try {
      List<String> log = new ArrayList<>();
      IllegalStateException refused =
          assertThrows(
              IllegalStateException.class,
              () -> StageWriterLock.acquire(stage, Duration.ofSeconds(1), log::add));
      assertTrue(refused.getMessage().contains("pid " + first.pid()), refused.getMessage());
      assertTrue(log.get(0).startsWith("waiting for the trainer that still writes"), log.get(0));

      // SIGKILL, as a pod deleted with grace period 0 or an OOM kill: the kernel drops its lock.
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      try (StageWriterLock lock =
          StageWriterLock.acquire(stage, Duration.ofSeconds(10), log::add)) {
        assertTrue(
            java.nio.file.Files.readString(stage.resolve(StageWriterLock.FILE_NAME))
                .contains("pid " + ProcessHandle.current().pid()),
            "the new owner is recorded");
      }
    } finally {
      first.destroyForcibly();
    }
  }

  @Test
  void aReleasedLockIsFreeAtOnce() {
    List<String> log = new ArrayList<>();
    StageWriterLock.acquire(stage, Duration.ofSeconds(1), log::add).close();
    StageWriterLock.acquire(stage, Duration.ofSeconds(1), log::add).close();
    assertEquals(List.of(), log, "no waiting");
  }
}
