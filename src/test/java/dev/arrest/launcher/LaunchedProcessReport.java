package dev.arrest.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main class of the stand-in jar {@link LauncherScriptTest} hands to bin/arrest: prints what
 * the launcher gave the JVM (preload and jemalloc settings, the offline property, the arguments)
 * and which allocator libraries are really mapped into the process. Self-contained: the stand-in
 * jar holds this class only.
 */
public final class LaunchedProcessReport {
  private LaunchedProcessReport() {}

  public static void main(String[] args) throws Exception {
    System.out.println("LD_PRELOAD=" + System.getenv("LD_PRELOAD"));
    System.out.println("MALLOC_CONF=" + System.getenv("MALLOC_CONF"));
    System.out.println("GLIBC_TUNABLES=" + System.getenv("GLIBC_TUNABLES"));
    System.out.println("ai.djl.offline=" + System.getProperty("ai.djl.offline"));
    System.out.println("args=" + String.join(" ", args));
    StringBuilder mapped = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      for (String name : new String[] {"libjemalloc", "libtcmalloc"}) {
        if (line.contains(name) && mapped.indexOf(name) < 0) {
          mapped.append(name).append(' ');
        }
      }
    }
    System.out.println("mapped=" + mapped.toString().trim());
  }
}
