package dev.arrest.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SpecException;
import dev.arrest.operator.testing.FakeCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart as a real API server (1.20, RBAC enforced) takes it: the release installs, the CRD is
 * accepted and established and is the committed one, {@code kubectl explain} documents it, invalid
 * ArrestTrainings are refused by the server itself with a message naming the field, and the
 * operator's ServiceAccount can do nothing beyond what the operator needs.
 */
@Tag("control-plane")
@ExtendWith(ControlPlaneSuite.class)
class ChartOnApiServerTest {
  private static final String NS = "chart-e2e";
  private static ControlPlaneSuite.Cluster cluster;

  @TempDir Path temp;

  @BeforeAll
  static void setUp(ControlPlaneSuite.Cluster suite) {
    cluster = suite;
    cluster
        .admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .createOr(existing -> existing.update());
  }

  @Test
  void theReleaseIsDeployedAndItsDeploymentPassesAdmission() {
    Cli.Result status =
        cluster
            .helm("status", ControlPlaneSuite.RELEASE, "-n", ControlPlaneSuite.RELEASE_NAMESPACE)
            .check("helm status");
    assertTrue(status.stdout().contains("STATUS: deployed"), status.stdout());
    // The real ReplicaSet controller created the operator's pod from the chart's template: it
    // passed the API server's validation and admission. It stays Pending here (no scheduler); the
    // suite runs the operator's container itself.
    Deployment deployment = cluster.operatorDeployment();
    Pod pod =
        await(
            "the operator Deployment's pod",
            Duration.ofSeconds(60),
            () ->
                cluster
                    .admin
                    .pods()
                    .inNamespace(ControlPlaneSuite.RELEASE_NAMESPACE)
                    .withLabels(deployment.getSpec().getSelector().getMatchLabels())
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null));
    assertEquals(cluster.serviceAccount, pod.getSpec().getServiceAccountName());
  }

  @Test
  void theCrdIsEstablishedAndIsTheCommittedOne() {
    CustomResourceDefinition served =
        cluster
            .admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(ControlPlaneSuite.CRD)
            .get();
    for (String type : List.of("NamesAccepted", "Established")) {
      CustomResourceDefinitionCondition condition =
          served.getStatus().getConditions().stream()
              .filter(c -> type.equals(c.getType()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no " + type));
      assertEquals("True", condition.getStatus(), type + ": " + condition.getMessage());
    }
    assertEquals(
        List.of("ArrestTraining"), List.of(served.getStatus().getAcceptedNames().getKind()));
    // The chart ships crds/ unchanged: the schema, printer columns and names the server holds are
    // the generated ones.
    CustomResourceDefinition committed = FakeCluster.crd();
    JsonNode difference =
        JsonDiff.asJson(
            normalized(committed.getSpec().getVersions()),
            normalized(served.getSpec().getVersions()));
    assertEquals(
        0,
        difference.size(),
        "the served CRD differs from crds/ (JSON patch from crds/ to served): " + difference);
    var names = committed.getSpec().getNames();
    names.setListKind("ArrestTrainingList"); // defaulted by the server
    assertEquals(names, served.getSpec().getNames());
  }

  /**
   * The CRD's versions as JSON in the form the API server stores: numbers by value (1.0 is 1) and
   * printer column priorities of 0 left out (omitempty).
   */
  private static JsonNode normalized(Object versions) {
    return normalize(Serialization.jsonMapper().valueToTree(versions));
  }

  private static JsonNode normalize(JsonNode node) {
    if (node.isNumber()) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(
          node.decimalValue().stripTrailingZeros());
    }
    if (node.isArray()) {
      var array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> array.add(normalize(item)));
      return array;
    }
    if (node.isObject()) {
      var object = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      node.fields()
          .forEachRemaining(
              field -> {
                boolean defaultPriority =
                    field.getKey().equals("priority") && field.getValue().asInt(-1) == 0;
                if (!defaultPriority) {
                  object.set(field.getKey(), normalize(field.getValue()));
                }
              });
      return object;
    }
    return node;
  }

  @Test
  void kubectlExplainDocumentsTheSpec() {
    // The API server publishes a new CRD's OpenAPI a few seconds after it is established.
    Cli.Result explain =
        await(
            "kubectl explain",
            Duration.ofSeconds(60),
            () -> {
              Cli.Result result =
                  cluster.kubectl("explain", "arresttraining.spec.finetuning.attack");
              return result.ok() ? result : null;
            });
    assertTrue(
        explain.stdout().contains("KIND:") && explain.stdout().contains("ArrestTraining"),
        explain.stdout());
    assertTrue(explain.stdout().contains("epsilon"), explain.stdout());
    Cli.Result epsilon =
        cluster
            .kubectl("explain", "arresttraining.spec.finetuning.attack.epsilon")
            .check("explain");
    assertTrue(epsilon.stdout().contains("Perturbation budget"), epsilon.stdout());
    Cli.Result method =
        cluster.kubectl("explain", "arresttraining.spec.finetuning.method").check("explain");
    assertTrue(method.stdout().contains("arrest"), method.stdout());
  }

  @Test
  void theServerRefusesInvalidTrainingsNamingTheField() throws Exception {
    // --validate=false: kubectl sends the document as it is, so each refusal below is the API
    // server's.
    assertRefused(
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata: {name: negative-epsilon}
        spec:
          dataset: {name: fashion-mnist}
          model: {architecture: small-cnn}
          finetuning: {method: arrest, attack: {epsilon: -0.1}}
        """,
        "spec.finetuning.attack.epsilon",
        "should be greater than 0");
    assertRefused(
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata: {name: zero-epsilon}
        spec:
          dataset: {name: fashion-mnist}
          model: {architecture: small-cnn}
          finetuning: {method: arrest, attack: {epsilon: 0}}
        """,
        "spec.finetuning.attack.epsilon",
        "should be greater than 0");
    assertRefused(
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata: {name: unknown-method}
        spec:
          dataset: {name: fashion-mnist}
          model: {architecture: small-cnn}
          finetuning: {method: madry, attack: {epsilon: 0.1}}
        """,
        "spec.finetuning.method",
        "Unsupported value: \"madry\"");
    assertRefused(
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata: {name: no-dataset}
        spec:
          model: {architecture: small-cnn}
          finetuning: {method: arrest, attack: {epsilon: 0.1}}
        """,
        "spec.dataset",
        "Required value");
    assertRefused(
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata: {name: bad-phi}
        spec:
          dataset: {name: fashion-mnist}
          model: {architecture: small-cnn}
          finetuning: {method: arrest, attack: {epsilon: 0.1}, noisyReplay: {thresholdDegrees: 270}}
        """,
        "spec.finetuning.noisyReplay.thresholdDegrees",
        "less than or equal to 180");
    assertTrue(
        cluster
            .admin
            .genericKubernetesResources("arrest.dev/v1alpha1", "ArrestTraining")
            .inNamespace(NS)
            .list()
            .getItems()
            .isEmpty(),
        "a refused training was stored");

    // A valid one is accepted, and the server fills in the schema's defaults.
    Path valid =
        write(
            "valid.yaml",
            """
            apiVersion: arrest.dev/v1alpha1
            kind: ArrestTraining
            metadata: {name: minimal}
            spec:
              dataset: {name: fashion-mnist}
              model: {architecture: small-cnn}
              finetuning: {method: arrest, attack: {epsilon: 0.1}}
            """);
    cluster
        .kubectl("apply", "--validate=false", "-n", NS, "-f", valid.toString())
        .check("apply a valid training");
    Cli.Result defaults =
        cluster
            .kubectl(
                "get",
                "arrest",
                "minimal",
                "-n",
                NS,
                "-o",
                "jsonpath={.spec.finetuning.epochs} {.spec.finetuning.attack.steps}"
                    + " {.spec.model.depth}")
            .check("get defaults");
    assertEquals("10 10 34", defaults.stdout().strip());
    cluster.kubectl("delete", "arrest", "minimal", "-n", NS).check("delete");
  }

  /**
   * A sample of what the local validator refuses (SpecFuzzTest, StrictParsingTest) is refused by
   * the API server too, naming the same field: bounds, types without coercion, formats.
   */
  @Test
  void theServerRefusesWhatTheLocalValidatorRefuses() throws Exception {
    String base =
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata: {name: strict}
        spec:
          dataset: {name: fashion-mnist}
          model: {architecture: small-cnn}
          finetuning: {method: arrest, attack: {epsilon: 0.1, steps: 3, randomStart: true}}
        """;
    String[][] cases = {
      {
        "epsilon: 0.1",
        "epsilon: 1.0e9",
        "spec.finetuning.attack.epsilon",
        "less than or equal to 1"
      },
      {
        "epsilon: 0.1",
        "epsilon: \"0.1\"",
        "spec.finetuning.attack.epsilon",
        "must be of type number"
      },
      {"steps: 3", "steps: 2.5", "spec.finetuning.attack.steps", "must be of type integer"},
      {"steps: 3", "steps: \"3\"", "spec.finetuning.attack.steps", "must be of type integer"},
      {
        "randomStart: true",
        "randomStart: \"true\"",
        "spec.finetuning.attack.randomStart",
        "must be of type boolean"
      },
      {"method: arrest", "method: 3", "spec.finetuning.method", "must be of type string"},
      {"name: strict}", "name: Bad-Name}", "metadata.name", "RFC 1123 subdomain"},
      {
        "model:",
        "storage: {claimName: Bad_Claim}\n  model:",
        "spec.storage.claimName",
        "should match"
      },
      {
        "model:",
        "scheduling: {queueName: team a}\n  model:",
        "spec.scheduling.queueName",
        "should match"
      },
      {
        "model:",
        "sweep: {epsilons: [0.1, 2]}\n  model:",
        "spec.sweep.epsilons",
        "less than or equal to 1"
      },
    };
    for (String[] c : cases) {
      String document = base.replace(c[0], c[1].replace("\\n", "\n"));
      assertTrue(!document.equals(base), c[0]);
      SpecException local =
          assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(document, "local"));
      assertTrue(
          local.problems().stream().anyMatch(p -> p.startsWith(c[2])),
          "locally refused naming " + c[2] + ": " + local.problems());
      assertRefused(document, c[2], c[3]);
    }
  }

  private void assertRefused(String document, String field, String reason) throws Exception {
    Path file = write("invalid.yaml", document);
    Cli.Result result =
        cluster.kubectl("apply", "--validate=false", "-n", NS, "-f", file.toString());
    assertFalse(result.ok(), "the server accepted:\n" + document);
    String message = result.errors();
    assertTrue(
        message.contains("is invalid") && message.contains(field) && message.contains(reason),
        "expected a refusal naming " + field + " (" + reason + "), got: " + message);
  }

  @Test
  void theOperatorsServiceAccountCanDoNoMoreThanTheOperatorNeeds() {
    String user = cluster.operatorUser();
    // What the operator does (each is also proven by use in TrainingOnApiServerTest) ...
    for (String allowed :
        List.of(
            "list arresttrainings.arrest.dev --all-namespaces",
            "update arresttrainings.arrest.dev --subresource=status -n " + NS,
            "create jobs.batch -n " + NS,
            "delete jobs.batch -n " + NS,
            "watch jobs.batch --all-namespaces",
            "delete arresttrainings.arrest.dev -n " + NS,
            "list events -n " + NS,
            "list pods -n " + NS,
            "get pods --subresource=log -n " + NS,
            "create events -n " + NS)) {
      assertTrue(canI(user, allowed), user + " should be allowed to " + allowed);
    }
    // ... and what it must never be able to do.
    for (String forbidden :
        List.of(
            "get secrets -n " + NS,
            "list secrets --all-namespaces",
            "create pods -n " + NS,
            "update jobs.batch -n " + NS,
            "patch jobs.batch -n " + NS,
            "update arresttrainings.arrest.dev -n " + NS,
            "delete pods -n " + NS,
            "create arresttrainings.arrest.dev -n " + NS,
            "create pods --subresource=exec -n " + NS,
            "create leases.coordination.k8s.io -n " + NS,
            "update leases.coordination.k8s.io -n kube-system",
            "create clusterrolebindings.rbac.authorization.k8s.io",
            "escalate clusterroles.rbac.authorization.k8s.io",
            "impersonate serviceaccounts",
            "create serviceaccounts --subresource=token -n " + NS,
            "patch arresttrainings.arrest.dev -n " + NS,
            "update customresourcedefinitions.apiextensions.k8s.io",
            "delete namespaces")) {
      assertFalse(canI(user, forbidden), user + " must not be allowed to " + forbidden);
    }
  }

  private boolean canI(String user, String what) {
    List<String> args = new java.util.ArrayList<>(List.of("auth", "can-i"));
    args.addAll(List.of(what.split(" ")));
    args.addAll(List.of("--as", user));
    Cli.Result result = cluster.kubectl(args.toArray(String[]::new));
    String answer = result.stdout().strip();
    if (!answer.equals("yes") && !answer.equals("no")) {
      throw new AssertionError(
          "kubectl auth can-i " + what + ": " + result.stdout() + result.errors());
    }
    return answer.equals("yes");
  }

  private Path write(String name, String text) throws Exception {
    Path file = temp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  static <T> T await(String what, Duration timeout, java.util.function.Supplier<T> probe) {
    Instant deadline = Instant.now().plus(timeout);
    T value = null;
    while (Instant.now().isBefore(deadline)) {
      value = probe.get();
      if (value != null) {
        return value;
      }
      ControlPlaneSuite.sleep(Duration.ofMillis(250));
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
  }
}
