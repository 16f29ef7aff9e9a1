package dev.arrest.operator.testing;

import dev.arrest.operator.jobs.StageJobFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trainer image's command run on this machine: the image's launcher {@code /app/bin/arrest} is
 * the repository's {@code bin/arrest}, which runs {@code target/arrest.jar} (built by {@code mvn
 * package}) with this JVM ({@code JAVA_HOME}) and the allocator the image would preload. Every
 * other argument is passed unchanged.
 */
public final class TrainerCommand {
  public static final Path TRAINER_JAR = Path.of("target", "arrest.jar");
  public static final Path LAUNCHER = Path.of("bin", "arrest");

  /**
   * Where the trainer image (and dataset-fashion-mnist on this machine) has the Fashion-MNIST IDX
   * files.
   */
  public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private TrainerCommand() {}

  public static List<String> map(List<String> commandLine) {
    if (commandLine.isEmpty() || !commandLine.get(0).equals(StageJobFactory.TRAINER_LAUNCHER)) {
      throw new IllegalArgumentException(
          "not the trainer launcher " + StageJobFactory.TRAINER_LAUNCHER + ": " + commandLine);
    }
    List<String> mapped = new ArrayList<>();
    mapped.add("env");
    mapped.add("JAVA_HOME=" + System.getProperty("java.home"));
    mapped.add("ARREST_JAR=" + TRAINER_JAR.toAbsolutePath());
    mapped.add(LAUNCHER.toAbsolutePath().toString());
    mapped.addAll(commandLine.subList(1, commandLine.size()));
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
