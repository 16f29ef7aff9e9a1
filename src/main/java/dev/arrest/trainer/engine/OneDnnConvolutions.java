package dev.arrest.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Switches libtorch's oneDNN (mkldnn) convolutions on the CPU, {@code
 * torch.backends.mkldnn.enabled} in PyTorch, which DJL does not expose.
 *
 * <p>Why: with libtorch 2.7.1 (oneDNN 3.7.1), oneDNN's backward-data convolution returns wrong
 * input gradients whenever the number of output channels is not a multiple of the channel block its
 * kernels pad to: 16 with AVX-512 kernels (seen for 1 to 6, 8, 10, 12 and 24 channels, changing
 * from call to call and sometimes NaN; 16, 32, 48 and 64 are right), 8 with AVX2 kernels (the same
 * machine with oneDNN capped at them by {@code ONEDNN_MAX_CPU_ISA=AVX2}: 4, 6 and 10 channels wrong
 * in every call, 16, 24 and 32 right). AVX and SSE4.1 kernels are right; the forward pass is right;
 * {@code arrest engine} checks a machine. Attacks live on input gradients, so a robust accuracy
 * measured there would be too high. This trainer's own models use multiples of 16 everywhere
 * ({@code ModelContractTest} compares their gradients under both kernels, and the build runs it
 * again with AVX2 kernels), but a user's TorchScript module may not (LeNet's first layer has 6), so
 * loading one turns oneDNN convolutions off for the rest of the process; libtorch then runs its own
 * convolution kernels, which are right everywhere (and about 1.7x slower on a SmallCNN,
 * docs/benchmarks.md).
 */
public final class OneDnnConvolutions {
  // at::globalContext() and at::Context::(set)userEnabledMkldnn, by their C++ (Itanium ABI) names,
  // which libtorch_cpu exports: the functions behind torch.backends.mkldnn.enabled.
  private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
  private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledMkldnnEb";
  private static final String ENABLED = "_ZNK2at7Context17userEnabledMkldnnEv";

  private static NativeLibrary torch;

  private OneDnnConvolutions() {}

  /** Turns oneDNN convolutions off for the rest of the process (a no-op once off). */
  public static synchronized void turnOff() {
    if (enabled()) {
      setEnabled(false);
    }
  }

  /** Whether libtorch may use oneDNN for CPU convolutions. */
  public static synchronized boolean enabled() {
    return function(ENABLED).invokeInt(new Object[] {context()}) != 0;
  }

  /** For tests that compare both kernels; the trainer itself only turns them off. */
  public static synchronized void setEnabled(boolean enabled) {
    function(SET_ENABLED).invokeVoid(new Object[] {context(), enabled});
  }

  private static Pointer context() {
    return function(GLOBAL_CONTEXT).invokePointer(new Object[0]);
  }

  private static Function function(String symbol) {
    try {
      return library().getFunction(symbol);
    } catch (UnsatisfiedLinkError e) {
      throw new IllegalStateException(
          "libtorch in "
              + LibUtils.getLibtorchPath()
              + " has no "
              + symbol
              + "; cannot switch"
              + " its oneDNN convolutions (needed for right input gradients of TorchScript"
              + " models on AVX2 and AVX-512 CPUs, docs/torchscript.md)",
          e);
    }
  }

  /** The libtorch_cpu DJL loaded: opening it again returns the same, already loaded library. */
  private static NativeLibrary library() {
    if (torch == null) {
      Engine.getEngine("PyTorch");
      if (System.getProperty("jna.tmpdir") == null) {
        // JNA unpacks its own native part; on Linux it would pick ~/.cache, which a trainer pod
        // with a read-only root filesystem cannot write. The pod's /tmp is writable.
        System.setProperty("jna.tmpdir", System.getProperty("java.io.tmpdir"));
      }
      Path path = Path.of(LibUtils.getLibtorchPath());
      if (Files.isDirectory(path)) {
        path = path.resolve(System.mapLibraryName("torch_cpu"));
      }
      torch = NativeLibrary.getInstance(path.toString());
    }
    return torch;
  }
}
