package dev.arrest.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.trainer.engine.ConvolutionGradientCheck;
import dev.arrest.trainer.engine.Devices;
import dev.arrest.trainer.engine.IntraOpThreads;
import dev.arrest.trainer.engine.NativeAllocator;
import dev.arrest.trainer.engine.OneDnnConvolutions;
import java.io.PrintWriter;
import java.util.ArrayList;
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
 * computation on each of those devices, and checks the CPU's convolution input gradients. The
 * trainer image runs it at build time to check that the baked-in natives load offline; on a node it
 * shows whether the pod sees a GPU.
 */
@Command(
    name = "engine",
    description = "Load the PyTorch engine offline and print its versions and devices.")
final class EngineCommand implements Callable<Integer> {
  private static final List<Integer> CHECKED_CHANNELS = List.of(4, 6, 10, 16, 24, 32);
  private static final int CHECKED_CALLS = 10;

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
    printConvolutionCheck(out);
    out.flush();
    if (requireGpu && gpus == 0) {
      spec.commandLine().getErr().println("no GPU visible (--require-gpu)");
      return 3;
    }
    return 0;
  }

  /**
   * Whether this CPU's oneDNN convolutions give right input gradients for channel counts that are
   * not a multiple of 16 (OneDnnConvolutions; the trainer's own models use only multiples of 16).
   */
  private static void printConvolutionCheck(PrintWriter out) {
    List<String> wrong = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int channels : CHECKED_CHANNELS) {
        ConvolutionGradientCheck.Result result =
            ConvolutionGradientCheck.run(manager, 1, channels, CHECKED_CALLS);
        if (!result.right()) {
          wrong.add(
              String.format(
                  "%d channels in %d of %d calls (%s)",
                  channels,
                  result.wrongCalls(),
                  result.calls(),
                  Double.isInfinite(result.maxError())
                      ? "some NaN"
                      : String.format("error up to %.3g", result.maxError())));
        }
      }
    }
    String channels =
        CHECKED_CHANNELS.stream().map(String::valueOf).collect(Collectors.joining(", "));
    String kernels = OneDnnConvolutions.enabled() ? "oneDNN" : "libtorch's own";
    if (wrong.isEmpty()) {
      out.printf(
          "convolution input gradients (CPU, %s kernels): right for %s output channels%n",
          kernels, channels);
    } else {
      out.printf(
          "convolution input gradients (CPU, %s kernels): WRONG for %s; the trainer turns oneDNN"
              + " convolutions off for TorchScript models (docs/torchscript.md)%n",
          kernels, String.join("; ", wrong));
    }
  }

  private static String nativeDirectory() {
    try {
      return ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
    } catch (RuntimeException | LinkageError e) {
      return "unknown (" + e + ")";
    }
  }
}
