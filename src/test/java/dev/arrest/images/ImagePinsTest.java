package dev.arrest.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.images.DockerfilesTest.Instruction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both images are pinned: every FROM of a base image carries a digest (literal or through a global
 * ARG, whose default must then be a sha256 digest, or which has no default and so must be given at
 * build time), and every Debian package installed has an exact version. images/pins.sh refreshes
 * them (docs/install.md).
 */
class ImagePinsTest {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern FROM =
      Pattern.compile(
          "(?:--platform=\\S+\\s+)?(\\S+?)(?:@(\\S+))?(?:\\s+AS\\s+(\\S+))?",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ARG_REFERENCE = Pattern.compile("\\$\\{(\\w+)}");
  // Debian package names, then "=" and a version (epoch:upstream-revision).
  private static final Pattern PACKAGE =
      Pattern.compile("[a-z0-9][a-z0-9.+-]+(=[0-9][A-Za-z0-9.+~:-]*)?");

  @ParameterizedTest
  @ValueSource(strings = {"operator/Dockerfile", "trainer-image/Dockerfile"})
  void everyBaseImageIsPinnedByDigest(String dockerfile) throws IOException {
    List<Instruction> instructions = DockerfilesTest.parse(Path.of(dockerfile));
    Map<String, String> globalArgs = new LinkedHashMap<>();
    instructions.stream()
        .filter(i -> i.stage() < 0 && i.keyword().equals("ARG"))
        .forEach(
            i -> {
              String[] parts = i.arguments().split("=", 2);
              globalArgs.put(parts[0].strip(), parts.length > 1 ? parts[1].strip() : null);
            });
    Set<String> stages = new HashSet<>();
    int bases = 0;
    for (Instruction from :
        instructions.stream().filter(i -> i.keyword().equals("FROM")).toList()) {
      Matcher matcher = FROM.matcher(from.arguments().strip());
      assertTrue(matcher.matches(), "cannot read FROM " + from.arguments());
      String image = matcher.group(1);
      if (matcher.group(3) != null) {
        stages.add(matcher.group(3));
      }
      if (stages.contains(image) && matcher.group(2) == null) {
        continue; // an earlier stage of this file
      }
      bases++;
      String digest = matcher.group(2);
      assertTrue(digest != null, dockerfile + ": FROM " + from.arguments() + " has no @digest");
      Matcher arg = ARG_REFERENCE.matcher(digest);
      if (arg.matches()) {
        assertTrue(
            globalArgs.containsKey(arg.group(1)),
            dockerfile + ": " + arg.group(1) + " must be an ARG before the first FROM");
        String value = globalArgs.get(arg.group(1));
        if (value == null) {
          continue; // required at build time: an empty digest fails the build at this FROM
        }
        digest = value;
      }
      assertTrue(
          DIGEST.matcher(digest).matches(),
          dockerfile + ": FROM " + from.arguments() + ": '" + digest + "' is not sha256:<64 hex>");
    }
    assertTrue(bases > 0, dockerfile + " has no base image");
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator/Dockerfile", "trainer-image/Dockerfile"})
  void everyDebianPackageHasAnExactVersion(String dockerfile) throws IOException {
    List<String> unpinned = new ArrayList<>();
    List<String> packages = new ArrayList<>();
    for (Instruction run : DockerfilesTest.parse(Path.of(dockerfile))) {
      if (!run.keyword().equals("RUN")) {
        continue;
      }
      for (String command : run.arguments().split("&&|;|\\|\\|")) {
        List<String> words = Arrays.asList(command.strip().split("\\s+"));
        int install = words.indexOf("install");
        boolean apt =
            install > 0
                && (words.get(install - 1).equals("apt-get")
                    || words.get(install - 1).equals("apt"));
        if (!apt) {
          continue;
        }
        for (String word : words.subList(install + 1, words.size())) {
          if (word.startsWith("-")) {
            continue;
          }
          assertTrue(PACKAGE.matcher(word).matches(), dockerfile + ": cannot read package " + word);
          packages.add(word);
          if (!word.contains("=")) {
            unpinned.add(word);
          }
        }
      }
    }
    assertEquals(
        List.of(),
        unpinned,
        dockerfile
            + ": install NAME=VERSION (images/pins.sh prints the current bookworm versions and"
            + " --write pins them)");
    if (dockerfile.startsWith("trainer-image")) {
      assertFalse(packages.isEmpty(), "the trainer image installs its JRE and dataset with apt");
    }
  }
}
