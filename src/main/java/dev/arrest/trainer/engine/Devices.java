package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The devices a trainer process trains and evaluates on: every GPU the engine sees ({@code
 * Device.gpu(0..n-1)}), else the CPU. Which GPUs a process sees is decided outside it: in a pod by
 * the {@code nvidia.com/gpu} limit (the device plugin exposes exactly that many), locally by {@code
 * CUDA_VISIBLE_DEVICES}.
 *
 * <p>The system property {@value #PROPERTY} replaces that choice with an explicit list, e.g. {@code
 * -Darrest.devices=cpu,cpu}: data parallelism over two CPU replicas, which is how it is tested
 * without a GPU.
 */
public final class Devices {
  public static final String PROPERTY = "arrest.devices";

  private Devices() {}

  public static List<Device> visible() {
    return visible(Engine.getInstance());
  }

  public static List<Device> visible(Engine engine) {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return parse(configured);
    }
    int gpus = engine.getGpuCount();
    return gpus == 0
        ? List.of(Device.cpu())
        : IntStream.range(0, gpus).mapToObj(Device::gpu).toList();
  }

  /** A comma-separated list of {@code cpu} and {@code gpuN}. */
  static List<Device> parse(String list) {
    List<Device> devices = new ArrayList<>();
    for (String name : list.split(",")) {
      String trimmed = name.trim();
      if (trimmed.equals("cpu")) {
        devices.add(Device.cpu());
      } else if (trimmed.matches("gpu\\d+")) {
        devices.add(Device.gpu(Integer.parseInt(trimmed.substring(3))));
      } else {
        throw new IllegalArgumentException(
            "-D"
                + PROPERTY
                + ": '"
                + trimmed
                + "' is not a device; expected a comma-separated list of cpu and gpuN, e.g. cpu,cpu"
                + " or gpu0,gpu1");
      }
    }
    return List.copyOf(devices);
  }
}
