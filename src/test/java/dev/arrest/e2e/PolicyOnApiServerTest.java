package dev.arrest.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart's policy values ({@link ControlPlaneSuite#VALUES}) on a real API server: each spec
 * outside them is accepted by {@code kubectl apply} (the CRD cannot carry cluster-specific lists)
 * and then refused by the operator, as a resource author sees it: phase Failed, a Failed condition
 * and a Warning Event with reason PolicyViolation naming the field and the allow-list, and no Job.
 * A spec within the policy starts.
 */
@Tag("control-plane")
@ExtendWith(ControlPlaneSuite.class)
class PolicyOnApiServerTest {
  private static final String NS = "ml-policy";
  private static final String CLAIM = "arrest-data";
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private static ControlPlaneSuite.Cluster cluster;
  private static OperatorProcess operator;

  @BeforeAll
  static void setUp(ControlPlaneSuite.Cluster suite) throws Exception {
    assumeTrue(
        Files.isRegularFile(OperatorProcess.OPERATOR_JAR),
        "target/arrest-operator.jar not found: run `mvn package -DskipTests` first");
    cluster = suite;
    cluster
        .admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    cluster
        .admin
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(CLAIM)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteMany")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
    cluster
        .admin
        .resource(
            new PriorityClassBuilder()
                .withNewMetadata()
                .withName("arrest-batch")
                .endMetadata()
                .withValue(100)
                .build())
        .createOr(existing -> existing.update());
    operator =
        new OperatorProcess(
                cluster.operatorDeployment(),
                cluster.operatorKubeconfig,
                cluster.controlPlane.home().resolve("operator-policy"))
            .start();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (operator != null) {
      System.out.println("operator log: " + operator.logFile());
      operator.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "image | image: docker.io/attacker/miner:latest | spec.image:"
            + " 'docker.io/attacker/miner:latest' is refused by the operator's allow-list"
            + " policy.allowedImages (flag --allowed-images), which allows the operator's trainer"
            + " image 'arrest-trainer:0.1.0' and: registry.invalid/*",
        "claim | storage: {claimName: other-team-data} | spec.storage.claimName: 'other-team-data'"
            + " is refused by the operator's allow-list policy.allowedClaimNames (flag"
            + " --allowed-claim-names), which allows: arrest-data",
        "priority | scheduling: {priorityClassName: system-cluster-critical} |"
            + " spec.scheduling.priorityClassName: 'system-cluster-critical' is refused by the"
            + " operator's allow-list policy.allowedPriorityClasses (flag"
            + " --allowed-priority-classes), which allows: arrest-batch",
        "toleration | scheduling: {tolerations: [{operator: Exists}]} |"
            + " spec.scheduling.tolerations[0]: a toleration without a key (it tolerates every"
            + " taint) is refused by the operator's allow-list policy.allowedTolerations (flag"
            + " --allowed-tolerations), which allows: nvidia.com/gpu",
      })
  void aSpecOutsideThePolicyIsAcceptedByTheApiServerAndRefusedByTheOperator(
      String name, String platformFields, String refusal) throws Exception {
    String training = "refused-" + name;
    Cli.Result applied = apply(training, platformFields);
    assertTrue(
        applied.stdout().contains("arresttraining.arrest.dev/" + training + " created"),
        applied.stdout());

    awaitCondition("Failed", training);
    String message =
        cluster
            .kubectl(
                "get",
                "arresttraining",
                training,
                "-n",
                NS,
                "-o",
                "jsonpath={.status.conditions[?(@.type==\"Failed\")].message}")
            .check("kubectl get")
            .stdout();
    System.out.printf("kubectl apply: %s  status message: %s%n", applied.stdout(), message);
    assertTrue(message.startsWith("refused by policy: " + refusal), message);

    ArrestTraining refused = training(training);
    assertEquals(TrainingPhase.FAILED, refused.getStatus().phase);
    Condition failed =
        refused.getStatus().conditions.stream()
            .filter(c -> c.getType().equals("Failed"))
            .findFirst()
            .orElseThrow();
    assertEquals("PolicyViolation", failed.getReason());
    String events =
        cluster
            .kubectl(
                "get",
                "events",
                "-n",
                NS,
                "--field-selector",
                "involvedObject.name=" + training + ",reason=PolicyViolation,type=Warning",
                "-o",
                "jsonpath={.items[*].message}")
            .check("kubectl get events")
            .stdout();
    assertTrue(events.contains(refusal), "the Warning Event: " + events);
    assertEquals(
        "",
        cluster
            .kubectl("get", "jobs", "-n", NS, "-l", "arrest.dev/training=" + training, "-o", "name")
            .check("kubectl get jobs")
            .stdout()
            .strip(),
        "a refused training creates no Job");
  }

  @Test
  void theApiServerAcceptsTheChartsNetworkPolicy() {
    String namespaces =
        cluster
            .kubectl(
                "get",
                "networkpolicy",
                "-n",
                ControlPlaneSuite.RELEASE_NAMESPACE,
                "-l",
                "app.kubernetes.io/instance=" + ControlPlaneSuite.RELEASE,
                "-o",
                "jsonpath={.items[*].spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values}")
            .check("kubectl get networkpolicy")
            .stdout();
    assertEquals("[\"monitoring\"]", namespaces.strip());
  }

  @Test
  void aSpecWithinThePolicyStarts() throws Exception {
    String training = "allowed";
    apply(
        training,
        """
        image: arrest-trainer:0.1.0
        scheduling:
          priorityClassName: arrest-batch
          tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
        """);
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (cluster.admin.batch().v1().jobs().inNamespace(NS).withName(training + "-pretrain").get()
        == null) {
      assertTrue(
          Instant.now().isBefore(deadline),
          () ->
              "no pretrain Job; status: "
                  + Serialization.asJson(training(training).getStatus())
                  + "\noperator log:\n"
                  + operator.logTail(30));
      Thread.sleep(200);
    }
    assertTrue(training(training).getStatus().phase != TrainingPhase.FAILED);
    cluster.kubectl("delete", "arresttraining", training, "-n", NS).check("kubectl delete");
  }

  /** The suite's tiny training in this namespace, with the given platform fields under spec. */
  private static Cli.Result apply(String name, String platformFields) throws Exception {
    String yaml =
        Trainings.fashionMnistYaml(name)
                .replace("namespace: ml\n", "namespace: " + NS + "\n")
                .replace("  storage:\n    claimName: arrest-data\n", "")
            + platformFields.strip().indent(2)
            + (platformFields.contains("storage:")
                ? ""
                : "  storage: {claimName: " + CLAIM + "}\n");
    Path file = Files.createTempFile(cluster.controlPlane.home(), "policy-", ".yaml");
    Files.writeString(file, yaml);
    return cluster.kubectl("apply", "-n", NS, "-f", file.toString()).check("kubectl apply");
  }

  private static void awaitCondition(String condition, String name) {
    Cli.Result waited =
        cluster.kubectl(
            TIMEOUT.plusSeconds(30),
            "wait",
            "--for=condition=" + condition,
            "arresttraining/" + name,
            "-n",
            NS,
            "--timeout=" + TIMEOUT.toSeconds() + "s");
    if (!waited.ok()) {
      throw new AssertionError(
          "kubectl wait --for=condition="
              + condition
              + " "
              + name
              + ": "
              + waited.errors()
              + "\nstatus: "
              + Serialization.asJson(training(name).getStatus())
              + "\noperator log:\n"
              + operator.logTail(30));
    }
  }

  private static ArrestTraining training(String name) {
    return cluster.admin.resources(ArrestTraining.class).inNamespace(NS).withName(name).get();
  }
}
