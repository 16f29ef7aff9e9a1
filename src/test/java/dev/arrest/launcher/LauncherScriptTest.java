package dev.arrest.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/arrest, the launcher of every trainer run (README, CI, the trainer image's ENTRYPOINT and so
 * every Job): it must preload jemalloc with its documented settings, leave a user's own LD_PRELOAD
 * and MALLOC_CONF alone, and fall back to glibc with exactly one warning line. Runs the script on a
 * stand-in jar that reports what it got ({@link LaunchedProcessReport}). Needs libjemalloc2
 * (.ci/setup.sh installs it).
 */
class LauncherScriptTest {
  private static final Path LAUNCHER = Path.of("bin", "arrest").toAbsolutePath();
  private static final String JEMALLOC = "/libjemalloc.so.2";
  private static final String DEFAULT_CONF = "dirty_decay_ms:-1,muzzy_decay_ms:-1,narenas:2";
  private static final String GLIBC_SETTINGS =
      "glibc.malloc.top_pad=268435456:glibc.malloc.trim_threshold=1073741824"
          + ":glibc.malloc.mmap_threshold=33554432";

  @TempDir static Path directory;
  private static Path jar;

  record Run(int exitCode, List<String> stdout, List<String> stderr) {
    String value(String key) {
      return stdout.stream()
          .filter(l -> l.startsWith(key + "="))
          .map(l -> l.substring(key.length() + 1))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + key + "= in " + stdout + " " + stderr));
    }
  }

  @BeforeAll
  static void standInJar() throws IOException {
    jar = directory.resolve("arrest.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest
        .getMainAttributes()
        .put(Attributes.Name.MAIN_CLASS, LaunchedProcessReport.class.getName());
    String entry = LaunchedProcessReport.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        InputStream in = LauncherScriptTest.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
  }

  private static Run launch(Map<String, String> environment, String... args) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString());
    builder.command().addAll(List.of(args));
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(
            k -> k.equals("LD_PRELOAD") || k.equals("MALLOC_CONF") || k.startsWith("ARREST_"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("ARREST_JAR", jar.toString());
    env.putAll(environment);
    Process process = builder.start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
    return new Run(process.exitValue(), stdout.lines().toList(), stderr.lines().toList());
  }

  @Test
  void preloadsJemallocWithTheDocumentedSettingsAndRunsTheJarOffline() throws Exception {
    Run run = launch(Map.of(), "run", "examples/fashion-mnist-quick.yaml");
    assertEquals(0, run.exitCode(), run.stderr().toString());
    assertTrue(
        run.value("LD_PRELOAD").endsWith(JEMALLOC),
        () ->
            "jemalloc not preloaded (apt-get install libjemalloc2, as .ci/setup.sh does): " + run);
    assertEquals(DEFAULT_CONF, run.value("MALLOC_CONF"));
    assertEquals("libjemalloc", run.value("mapped"), "jemalloc is really loaded");
    assertEquals("true", run.value("ai.djl.offline"));
    assertEquals("run examples/fashion-mnist-quick.yaml", run.value("args"));
    assertEquals(List.of(), run.stderr(), "no warning when the allocator is there");
    assertEquals("null", run.value("GLIBC_TUNABLES"), "glibc's malloc is not used");
  }

  @Test
  void theUsersOwnMallocConfWins() throws Exception {
    Run run = launch(Map.of("MALLOC_CONF", "narenas:1"), "engine");
    assertTrue(run.value("LD_PRELOAD").endsWith(JEMALLOC), run.value("LD_PRELOAD"));
    assertEquals("narenas:1", run.value("MALLOC_CONF"));
    // Set but empty: jemalloc's own defaults.
    assertEquals("", launch(Map.of("MALLOC_CONF", ""), "engine").value("MALLOC_CONF"));
  }

  @Test
  void theUsersOwnPreloadWinsAndNoAllocatorIsAdded() throws Exception {
    String tcmalloc = "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4";
    Run run = launch(Map.of("LD_PRELOAD", tcmalloc), "engine");
    assertEquals(0, run.exitCode(), run.stderr().toString());
    assertEquals(tcmalloc, run.value("LD_PRELOAD"));
    assertEquals("null", run.value("MALLOC_CONF"));
    if (Files.exists(Path.of(tcmalloc))) {
      assertEquals("libtcmalloc", run.value("mapped"));
    }
  }

  @Test
  void tcmallocAndGlibcCanBeChosen() throws Exception {
    Run glibc = launch(Map.of("ARREST_ALLOCATOR", "glibc"), "engine");
    assertEquals("null", glibc.value("LD_PRELOAD"));
    assertEquals("", glibc.value("mapped"));
    assertEquals(List.of(), glibc.stderr(), "glibc chosen on purpose: no warning");
    assertEquals(GLIBC_SETTINGS, glibc.value("GLIBC_TUNABLES"), "glibc keeps freed memory");
    assertEquals(
        "glibc.cpu.x86_ibt=on:" + GLIBC_SETTINGS,
        launch(Map.of("ARREST_ALLOCATOR", "glibc", "GLIBC_TUNABLES", "glibc.cpu.x86_ibt=on"), "x")
            .value("GLIBC_TUNABLES"),
        "other tunables are kept");
    assertEquals(
        "glibc.malloc.arena_max=1",
        launch(
                Map.of("ARREST_ALLOCATOR", "glibc", "GLIBC_TUNABLES", "glibc.malloc.arena_max=1"),
                "x")
            .value("GLIBC_TUNABLES"),
        "the user's own malloc tunables win");
    assertEquals(
        "null",
        launch(Map.of("ARREST_ALLOCATOR", "glibc", "ARREST_GLIBC_MALLOC_TUNING", "off"), "x")
            .value("GLIBC_TUNABLES"));

    Run tcmalloc = launch(Map.of("ARREST_ALLOCATOR", "tcmalloc"), "engine");
    if (Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"))) {
      assertEquals("libtcmalloc", tcmalloc.value("mapped"));
      assertEquals("null", tcmalloc.value("MALLOC_CONF"), "MALLOC_CONF is jemalloc's");
    } else {
      assertEquals(1, tcmalloc.stderr().size(), tcmalloc.stderr().toString());
    }

    Run unknown = launch(Map.of("ARREST_ALLOCATOR", "mimalloc"), "engine");
    assertEquals(2, unknown.exitCode());
    assertTrue(
        unknown.stderr().get(0).contains("ARREST_ALLOCATOR=mimalloc"), unknown.stderr().toString());
  }

  @Test
  void aMissingAllocatorFallsBackToGlibcWithOneWarningLine() throws Exception {
    Path empty = Files.createDirectories(directory.resolve("no-libraries"));
    Run run = launch(Map.of("ARREST_LIBRARY_DIRS", empty.toString()), "engine");
    assertEquals(0, run.exitCode(), run.stderr().toString());
    assertEquals("null", run.value("LD_PRELOAD"));
    assertEquals("", run.value("mapped"));
    assertEquals(GLIBC_SETTINGS, run.value("GLIBC_TUNABLES"));
    assertEquals(1, run.stderr().size(), run.stderr().toString());
    String warning = run.stderr().get(0);
    assertTrue(warning.startsWith("arrest: warning: libjemalloc.so.2 not found"), warning);
    assertTrue(warning.contains("~50x the page faults"), warning);
    assertTrue(warning.contains("apt-get install libjemalloc2"), warning);
    assertTrue(warning.contains("ARREST_ALLOCATOR=glibc"), warning);
  }

  @Test
  void aMissingJarSaysHowToBuildIt() throws Exception {
    Run run = launch(Map.of("ARREST_JAR", directory.resolve("absent.jar").toString()), "engine");
    assertEquals(2, run.exitCode());
    assertEquals(1, run.stderr().size(), run.stderr().toString());
    assertTrue(run.stderr().get(0).contains("mvn -B -q package -DskipTests"), run.stderr().get(0));
  }

  @Test
  void theJarIsFoundNextToTheLauncherAsInTheTrainerImage() throws Exception {
    // The image's layout: /app/bin/arrest and /app/arrest.jar.
    Path app = Files.createDirectories(directory.resolve("app"));
    Path bin = Files.createDirectories(app.resolve("bin"));
    Files.copy(LAUNCHER, bin.resolve("arrest"));
    Files.copy(jar, app.resolve("arrest.jar"));
    ProcessBuilder builder = new ProcessBuilder(bin.resolve("arrest").toString(), "stage");
    builder.environment().remove("ARREST_JAR");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
    assertTrue(output.contains("args=stage"), output);
  }
}
