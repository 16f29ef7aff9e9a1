package dev.arrest.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The allow-list rules one by one, on the spec fields a resource author controls. */
class TrainingPolicyTest {
  private static final String OWN = "registry.example.com/ml/arrest-trainer:0.1.0";
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private static ArrestTrainingSpec spec() {
    return Trainings.fashionMnist("policy").getSpec();
  }

  private static List<String> violations(TrainingPolicy policy, ArrestTrainingSpec spec) {
    String claim = spec.storage.claimName == null ? "default-claim" : spec.storage.claimName;
    return policy.violations(spec, OWN, claim, "default-claim");
  }

  private static List<String> imageViolations(String allowed, String image) {
    ArrestTrainingSpec spec = spec();
    spec.image = image;
    return violations(TrainingPolicy.parse(allowed, "*", "*", "*"), spec);
  }

  @Test
  void theDefaultAllowsOnlyTheOperatorsImageAndAnythingElse() {
    ArrestTrainingSpec spec = spec();
    spec.scheduling.priorityClassName = "high";
    spec.scheduling.tolerations = List.of(new TolerationBuilder().withOperator("Exists").build());
    assertEquals(List.of(), violations(TrainingPolicy.DEFAULT, spec));
    spec.image = OWN;
    assertEquals(List.of(), violations(TrainingPolicy.DEFAULT, spec));

    spec.image = "docker.io/attacker/miner:latest";
    List<String> refused = violations(TrainingPolicy.DEFAULT, spec);
    assertEquals(1, refused.size(), refused.toString());
    assertEquals(
        "spec.image: 'docker.io/attacker/miner:latest' is refused by the operator's allow-list"
            + " policy.allowedImages (flag --allowed-images), which allows the operator's trainer"
            + " image '"
            + OWN
            + "' and: none; leave spec.image out, use an allowed image, or ask your platform team"
            + " to add it",
        refused.get(0));
  }

  @ParameterizedTest(name = "{0} allows {1}: {2}")
  @CsvSource({
    "registry.example.com/ml/*, registry.example.com/ml/trainer:2, true",
    "registry.example.com/ml/*, registry.example.com/ml/team/trainer@" + DIGEST + ", true",
    // A prefix stops at a path boundary: ml-evil is not under ml/.
    "registry.example.com/ml/*, registry.example.com/ml-evil/trainer:2, false",
    "registry.example.com/ml/*, registry.example.com/trainer:2, false",
    "registry.example.com/ml/trainer:*, registry.example.com/ml/trainer:2.0, true",
    "registry.example.com/ml/trainer:*, registry.example.com/ml/trainer2:1, false",
    "registry.example.com/ml/trainer@*, registry.example.com/ml/trainer@" + DIGEST + ", true",
    "registry.example.com/ml/trainer@*, registry.example.com/ml/trainer:latest, false",
    // A digest allows that content under any name; a tag alone does not carry it.
    DIGEST + ", other.example/any/name@" + DIGEST + ", true",
    DIGEST + ", other.example/any/name:" + "sha256, false",
    "trainer:1, trainer:1, true",
    "trainer:1, trainer:10, false",
    "trainer:1, docker.io/library/trainer:1, false",
    "'*', anything.example/at/all:v1, true",
  })
  void imageEntriesMatchExactlyByPrefixOrByDigest(String allowed, String image, boolean ok) {
    List<String> refused = imageViolations(allowed, image);
    assertEquals(ok, refused.isEmpty(), refused.toString());
    if (!ok) {
      assertTrue(refused.get(0).startsWith("spec.image: '" + image + "' is refused by"));
      assertTrue(refused.get(0).contains(allowed), refused.get(0));
    }
  }

  @Test
  void anImageThatIsNotAReferenceIsRefusedAsSuch() {
    List<String> refused =
        imageViolations("registry.example.com/ml/*", "registry.example.com/ml/../x");
    assertEquals(1, refused.size());
    assertTrue(refused.get(0).contains("not a valid image reference"), refused.get(0));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "registry.example.com/ml* | must end in '/*', ':*' or '@*'",
        "* /x | not an image reference",
        "Registry.example.com/UPPER:1 | not an image reference",
        "sha256:abc | a digest is sha256: followed by 64",
      })
  void malformedImageEntriesStopTheOperatorNamingTheFlag(String entry, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TrainingPolicy.parse(entry, "*", "*", "*"));
    assertTrue(e.getMessage().startsWith("--allowed-images: '" + entry + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void claimNamesAreRestrictedWhenListedAndTheDefaultClaimIsAlwaysAllowed() {
    TrainingPolicy policy = TrainingPolicy.parse("", "shared-datasets, team-a-work", "*", "*");
    ArrestTrainingSpec spec = spec();
    spec.storage.claimName = "team-a-work";
    assertEquals(List.of(), violations(policy, spec));
    spec.storage.claimName = null;
    assertEquals(List.of(), violations(policy, spec), "the operator's default claim");
    spec.storage.claimName = "team-b-secrets";
    List<String> refused = violations(policy, spec);
    assertEquals(1, refused.size());
    assertEquals(
        "spec.storage.claimName: 'team-b-secrets' is refused by the operator's allow-list"
            + " policy.allowedClaimNames (flag --allowed-claim-names), which allows the default"
            + " claim 'default-claim' and: shared-datasets, team-a-work; use an allowed claim or"
            + " ask your platform team to add it",
        refused.get(0));
    assertEquals(1, violations(TrainingPolicy.parse("", "", "*", "*"), spec).size(), "empty: none");
  }

  @Test
  void priorityClassesAreRestrictedWhenListedAndNoneIsAlwaysAllowed() {
    TrainingPolicy policy = TrainingPolicy.parse("", "*", "batch-low", "*");
    ArrestTrainingSpec spec = spec();
    assertEquals(List.of(), violations(policy, spec));
    spec.scheduling.priorityClassName = "batch-low";
    assertEquals(List.of(), violations(policy, spec));
    spec.scheduling.priorityClassName = "system-cluster-critical";
    List<String> refused = violations(policy, spec);
    assertEquals(1, refused.size());
    assertTrue(
        refused
            .get(0)
            .startsWith(
                "spec.scheduling.priorityClassName: 'system-cluster-critical' is refused by the"
                    + " operator's allow-list policy.allowedPriorityClasses (flag"
                    + " --allowed-priority-classes), which allows: batch-low"),
        refused.get(0));
  }

  private static Toleration toleration(String key, String operator, String effect) {
    return new TolerationBuilder()
        .withKey(key)
        .withOperator(operator)
        .withValue("Equal".equals(operator) ? "true" : null)
        .withEffect(effect)
        .build();
  }

  @Test
  void tolerationsNeedAnAllowedKeyAndEffect() {
    TrainingPolicy policy =
        TrainingPolicy.parse("", "*", "*", "nvidia.com/gpu, dedicated:NoSchedule");
    ArrestTrainingSpec spec = spec();
    spec.scheduling.tolerations =
        List.of(
            toleration("nvidia.com/gpu", "Exists", null),
            toleration("nvidia.com/gpu", "Equal", "NoExecute"),
            toleration("dedicated", "Equal", "NoSchedule"));
    assertEquals(List.of(), violations(policy, spec));

    spec.scheduling.tolerations =
        List.of(
            toleration("nvidia.com/gpu", "Exists", "NoSchedule"),
            toleration("dedicated", "Exists", null),
            toleration(null, "Exists", null),
            toleration("node-role.kubernetes.io/control-plane", "Exists", "NoSchedule"));
    List<String> refused = violations(policy, spec);
    assertEquals(3, refused.size(), refused.toString());
    assertTrue(
        refused
            .get(0)
            .startsWith(
                "spec.scheduling.tolerations[1]: key 'dedicated' with every effect is refused by"
                    + " the operator's allow-list policy.allowedTolerations (flag"
                    + " --allowed-tolerations), which allows: nvidia.com/gpu,"
                    + " dedicated:NoSchedule"),
        refused.get(0));
    assertTrue(
        refused
            .get(1)
            .startsWith(
                "spec.scheduling.tolerations[2]: a toleration without a key (it tolerates every"
                    + " taint) is refused"),
        refused.get(1));
    assertTrue(
        refused
            .get(2)
            .startsWith(
                "spec.scheduling.tolerations[3]: key 'node-role.kubernetes.io/control-plane' with"
                    + " effect NoSchedule is refused"),
        refused.get(2));
  }

  @Test
  void malformedTolerationEntriesStopTheOperatorNamingTheFlag() {
    IllegalArgumentException effect =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainingPolicy.parse("", "*", "*", "nvidia.com/gpu:NoScheduel"));
    assertEquals(
        "--allowed-tolerations: 'nvidia.com/gpu:NoScheduel': the effect must be NoSchedule,"
            + " PreferNoSchedule or NoExecute",
        effect.getMessage());
    IllegalArgumentException key =
        assertThrows(
            IllegalArgumentException.class, () -> TrainingPolicy.parse("", "*", "*", "bad key"));
    assertTrue(key.getMessage().contains("is not a taint key"), key.getMessage());
  }

  @Test
  void everyRefusalOfASpecIsReported() {
    TrainingPolicy policy = TrainingPolicy.parse("", "", "", "");
    ArrestTrainingSpec spec = spec();
    spec.image = "evil.example/x:1";
    spec.storage.claimName = "other";
    spec.scheduling.priorityClassName = "high";
    spec.scheduling.tolerations = List.of(toleration("gpu", "Exists", null));
    List<String> refused = violations(policy, spec);
    assertEquals(
        List.of(
            "spec.image",
            "spec.storage.claimName",
            "spec.scheduling.priorityClassName",
            "spec.scheduling.tolerations[0]"),
        refused.stream().map(r -> r.substring(0, r.indexOf(':'))).toList());
  }
}
