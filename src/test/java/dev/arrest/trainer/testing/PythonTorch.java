package dev.arrest.trainer.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Whether a Python interpreter can import PyTorch, for tests of the PyTorch peer scripts. */
public final class PythonTorch {
  public static final String PYTHON = "/usr/bin/python3";

  private static final java.util.Map<String, Boolean> CHECKED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private PythonTorch() {}

  /** Checked once per interpreter and test JVM: importing torch takes seconds. */
  public static boolean available(String python) {
    return CHECKED.computeIfAbsent(python, PythonTorch::canImportTorch);
  }

  private static boolean canImportTorch(String python) {
    try {
      Process process =
          new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
