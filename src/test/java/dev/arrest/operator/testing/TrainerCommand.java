package dev.arrest.operator.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trainer image's command run on this machine: {@code java} is this JVM's and the image's
 * {@code /app/arrest.jar} is {@code target/arrest.jar} (built by {@code mvn package}). Every other
 * argument is passed unchanged.
 */
public final class TrainerCommand {
  public static final Path TRAINER_JAR = Path.of("target", "arrest.jar");
  public static final String IMAGE_TRAINER_JAR = "/app/arrest.jar";

  /**
   * Where the trainer image (and dataset-fashion-mnist on this machine) has the Fashion-MNIST IDX
   * files.
   */
  public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private TrainerCommand() {}

  public static List<String> map(List<String> commandLine) {
    if (commandLine.isEmpty() || !commandLine.get(0).equals("java")) {
      throw new IllegalArgumentException("not a java command line: " + commandLine);
    }
    List<String> mapped = new ArrayList<>();
    mapped.add(java());
    for (int i = 1; i < commandLine.size(); i++) {
      String part = commandLine.get(i);
      mapped.add(part.equals(IMAGE_TRAINER_JAR) ? TRAINER_JAR.toAbsolutePath().toString() : part);
    }
    return mapped;
  }

  /** This JVM's java launcher. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Why the real trainer cannot run here, or null when it can. */
  public static String missingPrerequisite() {
    if (!Files.isRegularFile(TRAINER_JAR)) {
      return "target/arrest.jar not found: run `mvn package -DskipTests` first";
    }
    if (!Files.isDirectory(FASHION_MNIST)) {
      return FASHION_MNIST + " not found: apt-get install dataset-fashion-mnist";
    }
    return null;
  }
}
