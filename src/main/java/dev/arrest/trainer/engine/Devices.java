package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The devices a trainer process trains and evaluates on: every GPU the engine sees ({@code
 * Device.gpu(0..n-1)}), else the CPU. Which GPUs a process sees is decided outside it: in a pod by
 * the {@code nvidia.com/gpu} limit (the device plugin exposes exactly that many), locally by {@code
 * CUDA_VISIBLE_DEVICES}.
 */
public final class Devices {
  private Devices() {}

  public static List<Device> visible() {
    return visible(Engine.getInstance());
  }

  public static List<Device> visible(Engine engine) {
    int gpus = engine.getGpuCount();
    return gpus == 0
        ? List.of(Device.cpu())
        : IntStream.range(0, gpus).mapToObj(Device::gpu).toList();
  }
}
