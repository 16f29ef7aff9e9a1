package dev.arrest.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.jobs.StageJobFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What can be checked of the two images without a Docker engine: every file they copy from the
 * build context is one the Maven build produces (and the only one their .dockerignore lets in), the
 * trainer's entry point is the command the operator runs, the users are the non-root ids the chart
 * and the operator use, the CUDA natives' versions match the build, the built jars hold what their
 * image needs, and the trainer image's native layout loads offline.
 */
class DockerfilesTest {
  private static final Path OPERATOR = Path.of("operator", "Dockerfile");
  private static final Path TRAINER = Path.of("trainer-image", "Dockerfile");
  private static final Path CUDA_JAR = Path.of("target", "arrest-cuda.jar");

  /** The trainer launcher in the repository; the trainer image installs it. */
  private static final String LAUNCHER = "bin/arrest";

  private static final Path OPERATOR_JAR = Path.of("target", "arrest-operator.jar");

  /** One instruction, continuation lines joined, with the stage (0-based) it belongs to. */
  record Instruction(int stage, String keyword, String arguments) {}

  static List<Instruction> parse(Path dockerfile) throws IOException {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int stage = -1;
    for (String line : Files.readAllLines(dockerfile)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString().strip();
      current.setLength(0);
      if (text.isEmpty()) {
        continue;
      }
      String[] parts = text.split("\\s+", 2);
      String keyword = parts[0].toUpperCase();
      if (keyword.equals("FROM")) {
        stage++;
      }
      instructions.add(new Instruction(stage, keyword, parts.length > 1 ? parts[1] : ""));
    }
    return instructions;
  }

  private static List<Instruction> finalStage(List<Instruction> instructions) {
    int last = instructions.stream().mapToInt(Instruction::stage).max().orElseThrow();
    return instructions.stream().filter(i -> i.stage() == last).toList();
  }

  /** COPY instructions from the build context (not --from another stage): source → destination. */
  private static List<String[]> contextCopies(List<Instruction> instructions) {
    return instructions.stream()
        .filter(i -> i.keyword().equals("COPY") && !i.arguments().startsWith("--from"))
        .map(i -> i.arguments().split("\\s+"))
        .toList();
  }

  private static List<String> json(String arguments) throws IOException {
    return Arrays.asList(new ObjectMapper().readValue(arguments, String[].class));
  }

  private static Map<String, String> env(List<Instruction> instructions) {
    Map<String, String> env = new LinkedHashMap<>();
    Pattern pair = Pattern.compile("(\\w+)=(\\S+)");
    instructions.stream()
        .filter(i -> i.keyword().equals("ENV"))
        .forEach(
            i -> {
              Matcher matcher = pair.matcher(i.arguments());
              while (matcher.find()) {
                env.put(matcher.group(1), matcher.group(2));
              }
            });
    return env;
  }

  private static Map<String, String> argDefaults(List<Instruction> instructions) {
    Map<String, String> args = new LinkedHashMap<>();
    instructions.stream()
        .filter(i -> i.keyword().equals("ARG") && i.arguments().contains("="))
        .forEach(i -> args.put(i.arguments().split("=", 2)[0], i.arguments().split("=", 2)[1]));
    return args;
  }

  /** Replaces ${NAME} by the ARG defaults. */
  private static String expand(String text, Map<String, String> args) {
    String result = text;
    for (Map.Entry<String, String> arg : args.entrySet()) {
      result = result.replace("${" + arg.getKey() + "}", arg.getValue());
    }
    return result;
  }

  private static Document pom() throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(Path.of("pom.xml").toFile());
  }

  /**
   * The jar names `mvn package` writes into target/: the shade executions' finalNames, per profile.
   */
  private static Map<String, String> producedJars() throws Exception {
    Document pom = pom();
    Element properties =
        (Element) pom.getDocumentElement().getElementsByTagName("properties").item(0);
    String trainer = text(properties, "trainer.jar.name");
    String cudaTrainer = null;
    NodeList profiles = pom.getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      Element profile = (Element) profiles.item(i);
      if (text(profile, "id").equals("cuda")) {
        cudaTrainer = text(profile, "trainer.jar.name");
      }
    }
    Map<String, String> jars = new LinkedHashMap<>();
    NodeList executions = pom.getElementsByTagName("execution");
    for (int i = 0; i < executions.getLength(); i++) {
      Element execution = (Element) executions.item(i);
      NodeList names = execution.getElementsByTagName("finalName");
      if (names.getLength() == 1) {
        String name = names.item(0).getTextContent().strip();
        if (name.equals("${trainer.jar.name}")) {
          jars.put("target/" + trainer + ".jar", "trainer");
          jars.put("target/" + cudaTrainer + ".jar", "trainer (-Pcuda)");
        } else {
          jars.put("target/" + name + ".jar", text(execution, "id"));
        }
      }
    }
    return jars;
  }

  private static String property(String name) throws Exception {
    Element properties =
        (Element) pom().getDocumentElement().getElementsByTagName("properties").item(0);
    return text(properties, name);
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    assertTrue(nodes.getLength() > 0, "no <" + tag + "> in pom.xml");
    return nodes.item(0).getTextContent().strip();
  }

  @Test
  void everyFileTheImagesCopyIsProducedByTheBuildAndNothingElseIsInTheirContext() throws Exception {
    Map<String, String> produced = producedJars();
    assertEquals(
        Set.of("target/arrest.jar", "target/arrest-cuda.jar", "target/arrest-operator.jar"),
        produced.keySet(),
        "shade outputs");
    // Besides its jar, the trainer image copies the launcher, a file of the repository.
    Map<Path, List<String>> expected =
        Map.of(
            OPERATOR,
            List.of("target/arrest-operator.jar"),
            TRAINER,
            List.of("target/arrest-cuda.jar", LAUNCHER));
    for (Map.Entry<Path, List<String>> image : expected.entrySet()) {
      List<String[]> copies = contextCopies(parse(image.getKey()));
      assertFalse(copies.isEmpty());
      Set<String> sources = new TreeSet<>();
      for (String[] copy : copies) {
        assertEquals(2, copy.length, "COPY <source> <destination>: " + String.join(" ", copy));
        assertTrue(
            produced.containsKey(copy[0]) || copy[0].equals(LAUNCHER),
            image.getKey()
                + " copies "
                + copy[0]
                + ", which the Maven build does not produce (it produces "
                + produced.keySet()
                + ")");
        sources.add(copy[0]);
      }
      assertEquals(new TreeSet<>(image.getValue()), sources, image.getKey().toString());
      List<String> ignore =
          Files.readAllLines(Path.of(image.getKey() + ".dockerignore")).stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty() && !l.startsWith("#"))
              .toList();
      List<String> allowed = new ArrayList<>(List.of("*"));
      image.getValue().forEach(source -> allowed.add("!" + source));
      assertEquals(allowed, ignore, image.getKey() + ".dockerignore");
    }
  }

  @Test
  void trainerEntryPointIsTheCommandTheOperatorRuns() throws IOException {
    List<Instruction> last = finalStage(parse(TRAINER));
    List<String> entryPoint =
        json(
            last.stream()
                .filter(i -> i.keyword().equals("ENTRYPOINT"))
                .findFirst()
                .orElseThrow()
                .arguments());
    assertEquals(StageJobFactory.TRAINER_COMMAND, entryPoint);
    assertTrue(
        contextCopies(last).stream().anyMatch(c -> c[1].equals(StageJobFactory.TRAINER_JAR)),
        "the trainer jar lands at " + StageJobFactory.TRAINER_JAR);
    // bin/arrest finds the jar at ../arrest.jar.
    assertEquals(
        Path.of(StageJobFactory.TRAINER_JAR),
        Path.of(StageJobFactory.TRAINER_LAUNCHER).getParent().resolveSibling("arrest.jar"));
    assertTrue(
        contextCopies(last).stream()
            .anyMatch(c -> c[0].equals(LAUNCHER) && c[1].equals(StageJobFactory.TRAINER_LAUNCHER)),
        "the launcher lands at " + StageJobFactory.TRAINER_LAUNCHER);
    assertTrue(
        last.stream()
            .anyMatch(
                i ->
                    i.keyword().equals("RUN")
                        && i.arguments().contains("apt-get install")
                        && i.arguments().contains("libjemalloc2")),
        "the image installs the allocator the launcher preloads");
    List<String> command =
        json(
            last.stream()
                .filter(i -> i.keyword().equals("CMD"))
                .findFirst()
                .orElseThrow()
                .arguments());
    assertEquals("stage", command.get(0));

    List<String> operator =
        json(
            finalStage(parse(OPERATOR)).stream()
                .filter(i -> i.keyword().equals("ENTRYPOINT"))
                .findFirst()
                .orElseThrow()
                .arguments());
    assertEquals(List.of("java", "-jar", "/app/arrest-operator.jar"), operator);
  }

  @Test
  void imagesRunAsTheNonRootUsersTheChartAndTheOperatorUse() throws IOException {
    JsonNode values =
        new YAMLMapper().readTree(Path.of("helm", "arrest-operator", "values.yaml").toFile());
    String operatorUser = lastUser(OPERATOR);
    assertEquals(
        values.at("/podSecurityContext/runAsUser").asText()
            + ":"
            + values.at("/podSecurityContext/runAsGroup").asText(),
        operatorUser);
    String trainerUser = lastUser(TRAINER);
    assertEquals(
        OperatorSettings.DEFAULT_TRAINER_USER_ID + ":" + OperatorSettings.DEFAULT_TRAINER_USER_ID,
        trainerUser);
    assertEquals(OperatorSettings.DEFAULT_TRAINER_USER_ID, values.at("/trainer/userId").asLong());
    assertTrue(
        Files.readString(TRAINER)
            .contains("useradd --uid " + OperatorSettings.DEFAULT_TRAINER_USER_ID));
  }

  private static String lastUser(Path dockerfile) throws IOException {
    List<Instruction> users =
        finalStage(parse(dockerfile)).stream().filter(i -> i.keyword().equals("USER")).toList();
    assertFalse(users.isEmpty(), dockerfile + " sets no USER");
    String user = users.get(users.size() - 1).arguments();
    assertTrue(
        user.matches("[1-9][0-9]*:[1-9][0-9]*"),
        dockerfile
            + ": USER must be a numeric non-root uid:gid, so"
            + " that runAsNonRoot can verify it: "
            + user);
    return user;
  }

  @Test
  void trainerNativesMatchTheBuildAndAreFoundOffline() throws Exception {
    List<Instruction> instructions = parse(TRAINER);
    Map<String, String> args = argDefaults(instructions);
    assertEquals(property("pytorch.native.version"), args.get("PYTORCH_VERSION"));
    assertEquals(property("djl.version"), args.get("DJL_VERSION"));
    String flavor = property("pytorch.cuda.flavor");
    assertEquals(flavor, args.get("CUDA_FLAVOR"));
    // pytorch-jni ships the JNI library of that flavour, for that PyTorch and DJL.
    assertNotNull(
        getClass().getResource("/jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"),
        "pytorch-jni has no " + flavor + " JNI library");
    Properties jni = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/jnilib/pytorch.properties")) {
      jni.load(in);
    }
    assertEquals(
        args.get("PYTORCH_VERSION") + "-" + args.get("DJL_VERSION"),
        jni.getProperty("jni_version"));

    Map<String, String> env = env(finalStage(instructions));
    String libraryDir =
        env.get("DJL_CACHE_DIR")
            + "/pytorch/"
            + args.get("PYTORCH_VERSION")
            + "-"
            + args.get("CUDA_FLAVOR")
            + "-linux-x86_64";
    assertEquals(libraryDir, expand(env.get("PYTORCH_LIBRARY_PATH"), args));
    String natives =
        String.join(
            "\n",
            instructions.stream().filter(i -> i.stage() == 0).map(Instruction::arguments).toList());
    String expanded = expand(natives, args);
    assertTrue(
        expanded.contains(
            "DJL_CACHE_DIR="
                + env.get("DJL_CACHE_DIR")
                + " PYTORCH_FLAVOR=\""
                + args.get("CUDA_FLAVOR")
                + "\" java -Dai.djl.offline=false -jar /app/arrest.jar engine"),
        "the natives stage lets DJL fill the cache the image uses, with the CUDA flavour");
    assertTrue(
        expanded.contains("test -s \"" + libraryDir + "/libtorch.so\"")
            || expanded.contains("dir=\"" + libraryDir + "\""),
        "the natives stage checks " + libraryDir);
    assertTrue(
        natives.contains("${DJL_VERSION}-libdjl_torch.so"),
        "the JNI library under DJL's cache name");
    assertEquals(args.get("CUDA_FLAVOR"), expand(env.get("PYTORCH_FLAVOR"), args));
    assertEquals("true", env.get("DJL_OFFLINE"));
    assertTrue(env.get("NVIDIA_DRIVER_CAPABILITIES").contains("compute"));
    assertFalse(
        env.containsKey("NVIDIA_VISIBLE_DEVICES"),
        "the device plugin decides which GPUs a pod sees");
    assertTrue(
        finalStage(instructions).stream()
            .anyMatch(
                i ->
                    i.keyword().equals("RUN")
                        && i.arguments().contains(StageJobFactory.TRAINER_LAUNCHER + " engine")
                        && i.arguments().contains("allocator: jemalloc")),
        "the image build checks that the natives load, through the launcher, with jemalloc");
  }

  @Test
  void builtJarsHoldWhatTheirImagesNeed() throws IOException {
    Assumptions.assumeTrue(
        Files.exists(CUDA_JAR) || Files.exists(OPERATOR_JAR),
        "no jars in target/: run mvn package -DskipTests and mvn -Pcuda package -DskipTests");
    if (Files.exists(CUDA_JAR)) {
      Set<String> entries = entries(CUDA_JAR);
      assertTrue(
          entries.stream().noneMatch(e -> e.startsWith("native/lib/") || e.startsWith("pytorch/")),
          "arrest-cuda.jar must not carry the CPU natives (DJL would load them instead of the CUDA"
              + " ones)");
      assertTrue(entries.contains("jnilib/linux-x86_64/cu128/libdjl_torch.so"));
      assertTrue(entries.contains("dev/arrest/cli/ArrestCli.class"));
      assertTrue(entries.contains("dev/arrest/cli/EngineCommand.class"));
    }
    if (Files.exists(OPERATOR_JAR)) {
      Set<String> entries = entries(OPERATOR_JAR);
      assertTrue(
          entries.stream().noneMatch(e -> e.startsWith("ai/djl/") || e.endsWith(".so")),
          "the operator jar carries no DJL and no natives");
      assertTrue(entries.contains("dev/arrest/operator/ArrestOperator.class"));
    }
  }

  /**
   * The trainer image's native layout, with the CPU flavour standing in for CUDA (no GPU natives
   * here): the jar without natives,
   * PYTORCH_LIBRARY_PATH/PYTORCH_FLAVOR/PYTORCH_VERSION/DJL_CACHE_DIR/DJL_OFFLINE as the Dockerfile
   * sets them, the JNI library pre-placed under DJL's cache name. `arrest engine` must load and
   * compute offline without writing anything into the cache (the pod's root filesystem is
   * read-only).
   */
  @Test
  void theTrainerImagesNativeLayoutLoadsOfflineWithoutWriting(@TempDir Path root) throws Exception {
    Assumptions.assumeTrue(
        Files.exists(CUDA_JAR), "no " + CUDA_JAR + ": run mvn -Pcuda package -DskipTests");
    List<Instruction> instructions = parse(TRAINER);
    Map<String, String> args = new LinkedHashMap<>(argDefaults(instructions));
    args.put("CUDA_FLAVOR", "cpu");
    Map<String, String> env = env(finalStage(instructions));
    Path cache = root.resolve(env.get("DJL_CACHE_DIR").substring(1));
    Path libraries = root.resolve(expand(env.get("PYTORCH_LIBRARY_PATH"), args).substring(1));
    Files.createDirectories(libraries);
    Properties natives = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/native/lib/pytorch.properties")) {
      natives.load(in);
    }
    for (String library : natives.getProperty("libraries").split(",")) {
      String resource =
          "/pytorch/"
              + natives.getProperty("flavor")
              + "/"
              + natives.getProperty("classifier")
              + "/"
              + library;
      try (InputStream in = getClass().getResourceAsStream(resource)) {
        assertNotNull(in, resource);
        Files.copy(in, libraries.resolve(library), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    try (ZipFile jar = new ZipFile(CUDA_JAR.toFile())) {
      try (InputStream in =
          jar.getInputStream(jar.getEntry("jnilib/linux-x86_64/cpu/libdjl_torch.so"))) {
        Files.copy(in, libraries.resolve(args.get("DJL_VERSION") + "-libdjl_torch.so"));
      }
    }
    Set<Path> before = tree(root);

    Path tmp = Files.createDirectories(root.resolve("tmp"));
    // The image's entry point: the launcher, which finds /app/arrest.jar next to it (here:
    // ARREST_JAR).
    ProcessBuilder builder =
        new ProcessBuilder(Path.of(LAUNCHER).toAbsolutePath().toString(), "engine")
            .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("PYTORCH_") || k.startsWith("DJL_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("ARREST_JAR", CUDA_JAR.toAbsolutePath().toString());
    builder
        .environment()
        .put("ARREST_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp + " -Duser.home=" + tmp);
    builder.environment().put("DJL_CACHE_DIR", cache.toString());
    builder.environment().put("PYTORCH_LIBRARY_PATH", libraries.toString());
    builder.environment().put("PYTORCH_VERSION", args.get("PYTORCH_VERSION"));
    builder.environment().put("PYTORCH_FLAVOR", args.get("CUDA_FLAVOR"));
    builder.environment().put("DJL_OFFLINE", env.get("DJL_OFFLINE"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("natives: " + libraries), output);
    assertTrue(output.contains("device: cpu()"), output);
    assertTrue(output.contains("check: sum(0..3) = 6.0"), output);
    assertTrue(output.contains("allocator: jemalloc"), output);
    Set<Path> after = tree(root);
    after.removeIf(p -> p.startsWith(tmp));
    assertEquals(before, after, "nothing written outside /tmp");
  }

  private static Set<String> entries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().map(e -> e.getName()).collect(Collectors.toSet());
    }
  }

  private static Set<Path> tree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
