package dev.arrest.operator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator image ships without DJL and without the trainer: no class the operator can reach may
 * refer to ai.djl, dev.arrest.trainer or dev.arrest.cli (nor to the local run's charts and progress
 * bar). Checked on the compiled classes' constant pools, following every reference from
 * dev.arrest.operator into the rest of dev.arrest (the shared API and results types).
 */
class OperatorDependencyTest {
  private static final Path CLASSES = Path.of("target", "classes");

  /** The operator jar leaves these out (see the operator-jar shade execution in pom.xml). */
  private static final List<String> FORBIDDEN =
      List.of("ai/djl/", "dev/arrest/trainer/", "dev/arrest/cli/", "org/jfree/", "me/tongfei/");

  private static final Pattern CLASS_NAME =
      Pattern.compile("L?((?:[A-Za-z_$][A-Za-z0-9_$]*/)+[A-Za-z0-9_$]+)");

  @Test
  void operatorClassesReachNeitherDjlNorTheTrainer() throws IOException {
    Deque<String> queue = new ArrayDeque<>();
    try (Stream<Path> files = Files.walk(CLASSES.resolve("dev/arrest/operator"))) {
      files
          .filter(f -> f.toString().endsWith(".class"))
          .map(f -> CLASSES.relativize(f).toString().replace('\\', '/').replaceAll("\\.class$", ""))
          .forEach(queue::add);
    }
    assertTrue(queue.size() > 10, "operator classes not found under " + CLASSES.toAbsolutePath());
    Set<String> visited = new HashSet<>();
    List<String> violations = new ArrayList<>();
    while (!queue.isEmpty()) {
      String className = queue.poll();
      if (!visited.add(className)) {
        continue;
      }
      for (String reference : referencedClasses(CLASSES.resolve(className + ".class"))) {
        if (FORBIDDEN.stream().anyMatch(reference::startsWith)) {
          violations.add(className + " -> " + reference);
        } else if (reference.startsWith("dev/arrest/")
            && Files.exists(CLASSES.resolve(reference + ".class"))) {
          queue.add(reference);
        }
      }
    }
    assertTrue(
        violations.isEmpty(), "the operator must not depend on DJL or the trainer: " + violations);
  }

  @Test
  void theConstantPoolReaderSeesReferences() throws IOException {
    Set<String> references =
        referencedClasses(CLASSES.resolve("dev/arrest/operator/OperatorRunner.class"));
    assertTrue(references.contains("io/javaoperatorsdk/operator/Operator"), references.toString());
    assertTrue(
        references.contains("dev/arrest/operator/reconciler/TrainingLifecycle"),
        references.toString());
  }

  /** Class names mentioned in a class file's constant pool (class entries and descriptors). */
  static Set<String> referencedClasses(Path classFile) throws IOException {
    Set<String> names = new HashSet<>();
    try (InputStream file = Files.newInputStream(classFile);
        DataInputStream in = new DataInputStream(file)) {
      in.readInt();
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> {
            Matcher matcher = CLASS_NAME.matcher(in.readUTF());
            while (matcher.find()) {
              names.add(matcher.group(1));
            }
          }
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
          case 5, 6 -> {
            in.readLong();
            i++;
          }
          case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
        }
      }
    }
    return names;
  }
}
