package dev.arrest.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.operator.policy.TrainingPolicy;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart's policy knobs: policy.* reaches the operator as the allow-lists it enforces, and the
 * NetworkPolicy opens /metrics and the health port to the listed namespaces only.
 */
class HelmPolicyChartTest {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String POLICY = Helm.VALUES.resolve("policy-values.yaml").toString();

  @Test
  void lintPassesWithThePolicyValues() {
    Helm.run("lint", "--strict", Helm.CHART.toString(), "-f", POLICY)
        .requireSuccess("helm lint (policy)");
  }

  @Test
  void defaultPolicyAllowsTheChartsTrainerImageAndRefusesOthers() {
    Map<String, String> env = operatorEnv();
    TrainingPolicy policy = policy(env);
    assertEquals(List.of(), policy.images().entries());
    assertTrue(policy.claimNames().allowsAny());
    assertTrue(policy.priorityClasses().allowsAny());
    assertTrue(policy.tolerations().allowsAny());

    ArrestTrainingSpec spec = Trainings.fashionMnist("quick").getSpec();
    String chartImage = env.get("ARREST_TRAINER_IMAGE");
    assertEquals(List.of(), violations(policy, env, spec), "the quickstart: no spec.image");
    spec.image = chartImage;
    assertEquals(List.of(), violations(policy, env, spec), "the chart's own image");
    spec.image = "docker.io/someone/else:1";
    assertEquals(1, violations(policy, env, spec).size());
  }

  @Test
  void policyValuesBecomeTheOperatorsAllowLists() {
    Map<String, String> env = operatorEnv("-f", POLICY);
    TrainingPolicy policy = policy(env);
    assertEquals(
        List.of(
            "registry.example.com/ml/*",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        policy.images().entries());
    assertEquals(List.of("ml-datasets", "ml-scratch"), policy.claimNames().entries());
    assertEquals(List.of("batch-low"), policy.priorityClasses().entries());
    assertEquals(List.of("nvidia.com/gpu", "dedicated:NoSchedule"), policy.tolerations().entries());

    ArrestTrainingSpec spec = Trainings.fashionMnist("quick").getSpec();
    spec.image = "registry.example.com/ml/arrest-trainer:0.2.0";
    spec.storage.claimName = "ml-scratch";
    spec.scheduling.priorityClassName = "batch-low";
    spec.scheduling.tolerations =
        List.of(new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists").build());
    assertEquals(List.of(), violations(policy, env, spec));
    spec.storage.claimName = null;
    assertEquals(List.of(), violations(policy, env, spec), "trainer.defaultClaimName");

    spec.image = "registry.example.com/other/trainer:1";
    spec.storage.claimName = "team-b-secrets";
    spec.scheduling.priorityClassName = "system-node-critical";
    spec.scheduling.tolerations = List.of(new TolerationBuilder().withOperator("Exists").build());
    assertEquals(4, violations(policy, env, spec).size());
  }

  @Test
  void theChartsExampleTrainingPassesTheChartsPolicy() {
    // With claims restricted, the example's claim must be one of them.
    for (String[] values :
        List.of(
            new String[] {"--set", "example.enabled=true"},
            new String[] {
              "-f", POLICY, "--set", "example.enabled=true,example.persistence.claimName=ml-scratch"
            })) {
      Map<String, String> env = operatorEnv(values);
      ArrestTrainingSpec example =
          JSON.convertValue(one(render(values), "ArrestTraining"), ArrestTraining.class).getSpec();
      assertEquals(List.of(), violations(policy(env), env, example), String.join(" ", values));
    }
  }

  @Test
  void networkPolicyOpensMetricsAndHealthToTheMonitoringNamespaceByDefault() {
    List<JsonNode> objects = render();
    NetworkPolicy policy = JSON.convertValue(one(objects, "NetworkPolicy"), NetworkPolicy.class);
    PodTemplateSpec pod =
        JSON.convertValue(one(objects, "Deployment"), Deployment.class).getSpec().getTemplate();
    assertTrue(
        pod.getMetadata()
            .getLabels()
            .entrySet()
            .containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()),
        "the NetworkPolicy selects the operator pods");
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    assertEquals(1, policy.getSpec().getIngress().size());
    NetworkPolicyIngressRule rule = policy.getSpec().getIngress().get(0);
    List<String> ports =
        rule.getPorts().stream().map(p -> p.getPort().getStrVal()).sorted().toList();
    assertEquals(List.of("health", "metrics"), ports);
    List<String> containerPorts =
        pod.getSpec().getContainers().get(0).getPorts().stream()
            .map(ContainerPort::getName)
            .sorted()
            .toList();
    assertEquals(containerPorts, ports, "every port the operator serves is covered, by name");
    assertTrue(
        rule.getPorts().stream().map(NetworkPolicyPort::getProtocol).allMatch("TCP"::equals));
    assertEquals(1, rule.getFrom().size());
    var selector = rule.getFrom().get(0).getNamespaceSelector().getMatchExpressions().get(0);
    assertEquals("kubernetes.io/metadata.name", selector.getKey());
    assertEquals("In", selector.getOperator());
    assertEquals(List.of("monitoring"), selector.getValues());
    assertEquals(null, rule.getFrom().get(0).getPodSelector(), "every pod of those namespaces");
  }

  @Test
  void networkPolicyFollowsItsValues() {
    NetworkPolicy custom =
        JSON.convertValue(one(render("-f", POLICY), "NetworkPolicy"), NetworkPolicy.class);
    var from = custom.getSpec().getIngress().get(0).getFrom();
    assertEquals(2, from.size());
    assertEquals(
        List.of("monitoring", "observability"),
        from.get(0).getNamespaceSelector().getMatchExpressions().get(0).getValues());
    assertEquals(
        Map.of("app.kubernetes.io/name", "prometheus"),
        from.get(1).getPodSelector().getMatchLabels());
    assertEquals(null, from.get(1).getNamespaceSelector(), "a pod of the release namespace");

    NetworkPolicy closed =
        JSON.convertValue(
            one(render("--set-json", "networkPolicy.allowedNamespaces=[]"), "NetworkPolicy"),
            NetworkPolicy.class);
    assertEquals(List.of(), closed.getSpec().getIngress(), "nothing listed: no ingress at all");
    assertEquals(List.of("Ingress"), closed.getSpec().getPolicyTypes());

    assertTrue(
        kind(render("--set", "networkPolicy.enabled=false"), "NetworkPolicy").isEmpty(),
        "disabled");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "policy.allowedImages={registry.example.com/ml*} | /policy/allowedImages/0",
        "policy.allowedImages={sha256:abc} | policy.allowedImages: \"sha256:abc\" is not a digest",
        "policy.allowedClaimNames={Bad_Claim} | /policy/allowedClaimNames/0",
        "policy.allowedPriorityClasses={High!} | /policy/allowedPriorityClasses/0",
        "policy.allowedTolerations={gpu:NoScheduel} | /policy/allowedTolerations/0",
        "policy.allowedImagez={x} | additional properties 'allowedImagez' not allowed",
        "networkPolicy.allowedNamespaces={Monitoring} | /networkPolicy/allowedNamespaces/0",
      })
  void badPolicyValuesFailNamingTheKey(String set, String message) {
    Helm.Result result = Helm.template("--set", set);
    assertNotEquals(0, result.exitCode(), () -> "--set " + set + " rendered:\n" + result.stdout());
    assertTrue(
        result.stderr().contains(message.trim()),
        () -> "--set " + set + ": expected '" + message.trim() + "' in:\n" + result.stderr());
  }

  // Helpers

  private static TrainingPolicy policy(Map<String, String> env) {
    return TrainingPolicy.parse(
        env.get("ARREST_ALLOWED_IMAGES"),
        env.get("ARREST_ALLOWED_CLAIM_NAMES"),
        env.get("ARREST_ALLOWED_PRIORITY_CLASSES"),
        env.get("ARREST_ALLOWED_TOLERATIONS"));
  }

  private static List<String> violations(
      TrainingPolicy policy, Map<String, String> env, ArrestTrainingSpec spec) {
    String defaultClaim = env.get("ARREST_DEFAULT_CLAIM_NAME");
    String claim = spec.storage.claimName != null ? spec.storage.claimName : defaultClaim;
    return policy.violations(spec, env.get("ARREST_TRAINER_IMAGE"), claim, defaultClaim);
  }

  private static Map<String, String> operatorEnv(String... values) {
    return JSON
        .convertValue(one(render(values), "Deployment"), Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static List<JsonNode> render(String... values) {
    return Helm.objects(Helm.template(values).requireSuccess("helm template").stdout());
  }

  private static List<JsonNode> kind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.at("/kind").asText().equals(kind)).toList();
  }

  private static JsonNode one(List<JsonNode> objects, String kind) {
    List<JsonNode> found = kind(objects, kind);
    assertEquals(1, found.size(), () -> "expected one " + kind + ", found " + found.size());
    return found.get(0);
  }
}
