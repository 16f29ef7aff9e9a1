package dev.arrest.cli;

import dev.arrest.results.Stage;

/**
 * Checks in a trainer pod that the trainer sees exactly the GPUs its stage requested. The operator
 * puts {@code spec.resources.<stage>.gpus} into {@value #ENVIRONMENT_VARIABLE} next to the pod's
 * {@code nvidia.com/gpu} limit; the trainer uses every GPU it sees, so a mismatch (no driver, no
 * device plugin, a runtime exposing all GPUs of the node) would silently train on other devices
 * than requested. Outside pods the variable is unset and nothing is checked.
 */
final class ExpectedGpus {
  static final String ENVIRONMENT_VARIABLE = "ARREST_EXPECTED_GPUS";

  private ExpectedGpus() {}

  /**
   * @param expected the variable's value, or null when unset
   * @param visible the GPUs the engine sees
   * @return what is wrong, or null when the trainer sees what was requested
   */
  static String problem(String expected, int visible, Stage stage) {
    if (expected == null || expected.isBlank()) {
      return null;
    }
    int requested;
    try {
      requested = Integer.parseInt(expected.trim());
    } catch (NumberFormatException e) {
      return ENVIRONMENT_VARIABLE + " must be a whole number of GPUs, found '" + expected + "'";
    }
    if (requested == visible) {
      return null;
    }
    String field = "spec.resources." + stage + ".gpus";
    return requested > visible
        ? field
            + " is "
            + requested
            + " (the pod's nvidia.com/gpu limit), but the trainer sees "
            + visible
            + " GPU(s): check the node's NVIDIA driver and device plugin with `arrest engine"
            + " --require-gpu` (docs/install.md)"
        : field
            + " is "
            + requested
            + ", but the trainer sees "
            + visible
            + " GPU(s) and would use them all: the container runtime exposes GPUs the pod did not"
            + " request (NVIDIA_VISIBLE_DEVICES); request them with "
            + field
            + " or fix the runtime's configuration (docs/install.md)";
  }
}
