package dev.arrest.trainer.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The malloc implementation this process runs with, read from the shared libraries mapped into it
 * ({@code /proc/self/maps}). PyTorch's CPU tensors come from malloc, and which one serves them
 * decides how often freed memory is returned to the kernel and faulted in again (see bin/arrest and
 * docs/benchmarks.md).
 */
public enum NativeAllocator {
  JEMALLOC("jemalloc"),
  TCMALLOC("tcmalloc"),
  /** glibc's own malloc: no other allocator library is mapped. */
  GLIBC("glibc"),
  /** Not Linux, or /proc/self/maps could not be read. */
  UNKNOWN("unknown");

  private final String displayName;

  NativeAllocator(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }

  /** The allocator of this process. */
  public static NativeAllocator current() {
    try {
      return fromMaps(Files.readAllLines(Path.of("/proc/self/maps")));
    } catch (IOException | UnsupportedOperationException e) {
      return UNKNOWN;
    }
  }

  /**
   * The allocator whose library appears in the lines of a {@code /proc/<pid>/maps} file; glibc when
   * none does. A preloaded library is mapped before anything else can call malloc, so its presence
   * means it serves the allocations.
   */
  static NativeAllocator fromMaps(List<String> lines) {
    for (String line : lines) {
      String library = mappedFile(line);
      if (library.contains("libjemalloc")) {
        return JEMALLOC;
      }
      if (library.contains("libtcmalloc")) {
        return TCMALLOC;
      }
    }
    return GLIBC;
  }

  /** The file name of a maps line ("address perms offset dev inode path"), or "" if anonymous. */
  private static String mappedFile(String line) {
    String[] fields = line.trim().split("\\s+", 6);
    if (fields.length < 6) {
      return "";
    }
    String path = fields[5];
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** What the CLI prints, e.g. "jemalloc (MALLOC_CONF=...)". */
  public String describe() {
    String conf = System.getenv("MALLOC_CONF");
    if (this == JEMALLOC && conf != null && !conf.isEmpty()) {
      return displayName + " (MALLOC_CONF=" + conf + ")";
    }
    if (this == GLIBC) {
      String tunables = System.getenv("GLIBC_TUNABLES");
      if (tunables != null && tunables.contains("glibc.malloc.")) {
        return displayName + " (GLIBC_TUNABLES=" + tunables + ")";
      }
      if (GlibcMallocTuning.outcome() == GlibcMallocTuning.Outcome.APPLIED) {
        return displayName
            + " (tuned to keep freed memory; jemalloc through bin/arrest is faster, see"
            + " docs/benchmarks.md)";
      }
      return displayName
          + " (no retaining allocator preloaded: expect many page faults; run through bin/arrest,"
          + " see docs/benchmarks.md)";
    }
    return displayName;
  }
}
