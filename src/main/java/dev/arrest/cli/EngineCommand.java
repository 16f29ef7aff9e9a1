package dev.arrest.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.trainer.engine.Devices;
import dev.arrest.trainer.engine.IntraOpThreads;
import dev.arrest.trainer.engine.NativeAllocator;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Loads the PyTorch engine, prints what it found (versions, native library directory, GPUs, the
 * devices training and evaluation will use: every visible GPU, else the CPU) and runs one small
 * computation on each of those devices. The trainer image runs it at build time to check that the
 * baked-in natives load offline; on a node it shows whether the pod sees a GPU.
 */
@Command(
    name = "engine",
    description = "Load the PyTorch engine offline and print its versions and devices.")
final class EngineCommand implements Callable<Integer> {

  @Option(names = "--require-gpu", description = "Exit with status 3 when no GPU is visible.")
  boolean requireGpu;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Engine engine = Engine.getEngine("PyTorch");
    int gpus = engine.getGpuCount();
    Device device = engine.defaultDevice();
    out.printf(
        "engine: %s %s (DJL %s)%n",
        engine.getEngineName(), engine.getVersion(), Engine.getDjlVersion());
    out.printf("natives: %s%n", nativeDirectory());
    out.printf("gpus: %d%n", gpus);
    out.printf("device: %s%n", device);
    out.printf("intra-op threads: %d%n", IntraOpThreads.configure(0));
    out.printf("allocator: %s%n", NativeAllocator.current().describe());
    List<Device> devices = Devices.visible(engine);
    out.printf(
        "training devices: %s%s%n",
        devices.stream().map(Device::toString).collect(Collectors.joining(", ")),
        devices.size() > 1 ? " (data parallel)" : "");
    for (Device each : devices) {
      try (NDManager manager = NDManager.newBaseManager(each)) {
        NDArray sum = manager.arange(4f).sum();
        out.printf("check: sum(0..3) = %s on %s%n", sum.getFloat(), sum.getDevice());
      }
    }
    out.flush();
    if (requireGpu && gpus == 0) {
      spec.commandLine().getErr().println("no GPU visible (--require-gpu)");
      return 3;
    }
    return 0;
  }

  private static String nativeDirectory() {
    try {
      return ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
    } catch (RuntimeException | LinkageError e) {
      return "unknown (" + e + ")";
    }
  }
}
