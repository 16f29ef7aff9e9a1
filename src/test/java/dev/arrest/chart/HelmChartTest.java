package dev.arrest.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arrest.api.spec.SpecValidator;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.rbac.OperatorPermissions;
import dev.arrest.operator.rbac.OperatorPermissions.Rule;
import dev.arrest.operator.reconciler.PlatformValidator;
import dev.arrest.operator.testing.Trainings;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart as Helm renders it: helm lint and helm template with the default values and the
 * non-default values files of src/test/resources/helm/, checked object by object — the CRD is the
 * generated one, RBAC grants exactly {@link OperatorPermissions} in the right scope, the operator
 * and the trainer pods it will create pass the restricted Pod Security Standard, the optional
 * objects follow their toggles, and bad values fail with the schema's or the chart's message.
 */
class HelmChartTest {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String NONDEFAULT = Helm.VALUES.resolve("nondefault-values.yaml").toString();
  private static final String PODMONITOR = Helm.VALUES.resolve("podmonitor-values.yaml").toString();

  @Test
  void lintPassesWithDefaultAndNonDefaultValues() {
    Helm.run("lint", "--strict", Helm.CHART.toString()).requireSuccess("helm lint");
    Helm.run("lint", "--strict", Helm.CHART.toString(), "-f", NONDEFAULT)
        .requireSuccess("helm lint (non-default)");
    Helm.run("lint", "--strict", Helm.CHART.toString(), "-f", PODMONITOR)
        .requireSuccess("helm lint (PodMonitor)");
  }

  @Test
  void chartCrdIsTheGeneratedCrd() throws IOException {
    Path generated = Path.of("crds");
    Path inChart = Helm.CHART.resolve("crds");
    assertEquals(
        fileNames(generated), fileNames(inChart), "the chart's crds/ must hold the files of crds/");
    for (String name : fileNames(generated)) {
      assertEquals(
          Files.readString(generated.resolve(name)),
          Files.readString(inChart.resolve(name)),
          () ->
              "helm/arrest-operator/crds/"
                  + name
                  + " differs from crds/"
                  + name
                  + ": cp crds/*.yml helm/arrest-operator/crds/");
    }
    // And Helm installs it as it is.
    List<JsonNode> crds = kind(render(), "CustomResourceDefinition");
    assertEquals(1, crds.size());
    assertEquals("arresttrainings.arrest.dev", crds.get(0).at("/metadata/name").asText());
  }

  @Test
  void defaultValuesWatchAllNamespacesWithAClusterRoleOfExactlyTheOperatorsPermissions() {
    List<JsonNode> objects = render();
    String serviceAccount = "arrest-operator";
    assertEquals(
        Set.of(
            "CustomResourceDefinition",
            "NetworkPolicy",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Service",
            "Deployment"),
        kinds(objects));

    JsonNode binding = one(objects, "ClusterRoleBinding", "arrest-operator");
    assertBindsServiceAccount(binding, "ClusterRole", "arrest-operator", serviceAccount);
    assertEquals(
        normalize(OperatorPermissions.TRAININGS),
        rules(one(objects, "ClusterRole", "arrest-operator")));

    JsonNode leaseBinding = one(objects, "RoleBinding", "arrest-operator-leader-election");
    assertEquals(Helm.NAMESPACE, leaseBinding.at("/metadata/namespace").asText());
    assertBindsServiceAccount(
        leaseBinding, "Role", "arrest-operator-leader-election", serviceAccount);
    JsonNode leaseRole = one(objects, "Role", "arrest-operator-leader-election");
    assertEquals(Helm.NAMESPACE, leaseRole.at("/metadata/namespace").asText());
    assertEquals(
        normalize(OperatorPermissions.leaderElection("arrest-operator-leader")), rules(leaseRole));

    // Only the two user-facing aggregated ClusterRoles besides the operator's, and nothing binds
    // them.
    Set<String> clusterRoles =
        kind(objects, "ClusterRole").stream()
            .map(o -> o.at("/metadata/name").asText())
            .collect(Collectors.toSet());
    assertEquals(
        Set.of("arrest-operator", "arrest-operator-edit", "arrest-operator-view"), clusterRoles);
    assertEquals(
        "true",
        one(objects, "ClusterRole", "arrest-operator-edit")
            .at("/metadata/labels/rbac.authorization.k8s.io~1aggregate-to-edit")
            .asText());
    assertEquals(1, kind(objects, "ClusterRoleBinding").size());

    JsonNode sa = one(objects, "ServiceAccount", serviceAccount);
    assertFalse(
        sa.at("/automountServiceAccountToken").asBoolean(true),
        "the ServiceAccount mounts no token");
  }

  @Test
  void defaultDeploymentRunsTheOperatorWithProbesResourcesAndRestrictedSecurity() {
    List<JsonNode> objects = render();
    Deployment deployment = typed(one(objects, "Deployment", "arrest-operator"), Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertEquals(List.of(), RestrictedPodSecurity.violations(pod));
    assertEquals("arrest-operator", pod.getServiceAccountName());
    assertTrue(pod.getAutomountServiceAccountToken(), "the operator needs its token");
    assertEquals("RollingUpdate", deployment.getSpec().getStrategy().getType());

    Container operator = pod.getContainers().get(0);
    assertEquals("arrest-operator:0.1.0", operator.getImage());
    assertTrue(operator.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals("/tmp", operator.getVolumeMounts().get(0).getMountPath());
    assertEquals("/healthz", operator.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/readyz", operator.getReadinessProbe().getHttpGet().getPath());
    Map<String, Integer> ports =
        operator.getPorts().stream()
            .collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort()));
    assertEquals(Map.of("metrics", 8080, "health", 8081), ports);
    assertEquals("health", operator.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("256Mi", operator.getResources().getRequests().get("memory").toString());
    assertEquals("512Mi", operator.getResources().getLimits().get("memory").toString());

    Map<String, String> env = env(operator);
    assertEquals("", env.get("ARREST_WATCH_NAMESPACES"));
    assertEquals("true", env.get("ARREST_LEADER_ELECTION"));
    assertEquals("arrest-operator-leader", env.get("ARREST_LEASE_NAME"));
    assertEquals("8080", env.get("ARREST_METRICS_PORT"));
    assertEquals("8081", env.get("ARREST_HEALTH_PORT"));
    assertEquals(
        OperatorSettings.DEFAULT_TRAINER_IMAGE,
        env.get("ARREST_TRAINER_IMAGE"),
        "the chart's default trainer image is the operator's default");
    assertEquals(
        Long.toString(OperatorSettings.DEFAULT_TRAINER_USER_ID), env.get("ARREST_TRAINER_USER_ID"));
    assertEquals("true", env.get("ARREST_TRAINER_READ_ONLY_ROOT_FILESYSTEM"));
    assertEquals("15", env.get("ARREST_PROGRESS_INTERVAL_SECONDS"));
    assertTrue(
        env.get("JAVA_TOOL_OPTIONS").contains("-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
    assertEquals(
        "metadata.namespace",
        operator.getEnv().stream()
            .filter(e -> e.getName().equals("POD_NAMESPACE"))
            .findFirst()
            .orElseThrow()
            .getValueFrom()
            .getFieldRef()
            .getFieldPath());

    // The metrics Service selects exactly the operator pods.
    JsonNode service = one(objects, "Service", "arrest-operator-metrics");
    assertEquals("metrics", service.at("/spec/ports/0/targetPort").asText());
    Map<String, String> selector = JSON.convertValue(service.at("/spec/selector"), Map.class);
    assertTrue(
        deployment
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getLabels()
            .entrySet()
            .containsAll(selector.entrySet()));
    assertEquals(selector, deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void trainerPodsCreatedWithTheChartsSettingsAreRestrictedAndHaveNoToken() {
    for (String[] values : List.of(new String[0], new String[] {"-f", NONDEFAULT})) {
      Container operator =
          typed(one(render(values), "Deployment", null), Deployment.class)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0);
      Map<String, String> env = env(operator);
      OperatorSettings settings =
          new OperatorSettings(
              env.get("ARREST_TRAINER_IMAGE"),
              env.get("ARREST_DEFAULT_CLAIM_NAME"),
              Duration.ofSeconds(Long.parseLong(env.get("ARREST_PROGRESS_INTERVAL_SECONDS"))),
              Long.parseLong(env.get("ARREST_TRAINER_USER_ID")),
              Boolean.parseBoolean(env.get("ARREST_TRAINER_READ_ONLY_ROOT_FILESYSTEM")));
      ArrestTraining training = Trainings.fashionMnist("quick");
      training.getMetadata().setNamespace("ml");
      training.getMetadata().setUid("uid-1");
      for (Stage stage : Stage.values()) {
        Job job = new StageJobFactory(settings).build(training, training.getSpec(), stage, "data");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals(List.of(), RestrictedPodSecurity.violations(pod), stage.toString());
        assertFalse(
            pod.getAutomountServiceAccountToken(), "trainer pods mount no ServiceAccount token");
        Container trainer = pod.getContainers().get(0);
        assertEquals(env.get("ARREST_TRAINER_IMAGE"), trainer.getImage());
        assertEquals(
            Long.parseLong(env.get("ARREST_TRAINER_USER_ID")),
            pod.getSecurityContext().getRunAsUser());
        assertTrue(trainer.getSecurityContext().getReadOnlyRootFilesystem());
        assertTrue(
            trainer.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")),
            "a read-only root filesystem needs a writable /tmp");
      }
    }
  }

  @Test
  void watchedNamespacesGetRolesAndNothingClusterWide() {
    List<JsonNode> objects = render("-f", NONDEFAULT);
    assertTrue(
        kind(objects, "ClusterRole").isEmpty(), "no ClusterRole: " + kind(objects, "ClusterRole"));
    assertTrue(kind(objects, "ClusterRoleBinding").isEmpty());
    for (String namespace : List.of("ml", "team-b")) {
      JsonNode role =
          kind(objects, "Role").stream()
              .filter(
                  o ->
                      o.at("/metadata/name").asText().equals("arrest")
                          && o.at("/metadata/namespace").asText().equals(namespace))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no Role arrest in " + namespace));
      assertEquals(normalize(OperatorPermissions.TRAININGS), rules(role));
      JsonNode binding =
          kind(objects, "RoleBinding").stream()
              .filter(
                  o ->
                      o.at("/metadata/name").asText().equals("arrest")
                          && o.at("/metadata/namespace").asText().equals(namespace))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no RoleBinding arrest in " + namespace));
      assertBindsServiceAccount(binding, "Role", "arrest", "arrest-sa");
    }
    assertEquals(
        normalize(OperatorPermissions.leaderElection("arrest-leader")),
        rules(one(objects, "Role", "arrest-leader-election")));
    assertEquals(
        4,
        kind(objects, "Role").size() + kind(objects, "RoleBinding").size() - 2,
        "a Role and a RoleBinding per watched namespace, plus the leader election pair");

    Deployment deployment = typed(one(objects, "Deployment", "arrest"), Deployment.class);
    Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = env(operator);
    assertEquals("ml,team-b", env.get("ARREST_WATCH_NAMESPACES"));
    assertEquals("arrest-leader", env.get("ARREST_LEASE_NAME"));
    assertEquals(
        "registry.example.com/ml/arrest-trainer:0.1.0-cuda", env.get("ARREST_TRAINER_IMAGE"));
    assertEquals("2000", env.get("ARREST_TRAINER_USER_ID"));
    assertEquals("ml-data", env.get("ARREST_DEFAULT_CLAIM_NAME"));
    assertEquals("1", env.get("EXTRA"));
    assertEquals("9090", env.get("ARREST_METRICS_PORT"));
    assertTrue(env.get("JAVA_TOOL_OPTIONS").endsWith("defaultLogLevel=debug"));
    assertEquals(
        "registry.example.com/ml/arrest-operator@sha256:"
            + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        operator.getImage());
    assertEquals(2, deployment.getSpec().getReplicas());
    assertEquals("arrest-sa", deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
    assertEquals(
        List.of(), RestrictedPodSecurity.violations(deployment.getSpec().getTemplate().getSpec()));
  }

  @Test
  void optionalObjectsFollowTheirToggles() throws IOException {
    List<JsonNode> defaults = render();
    for (String optional :
        List.of(
            "ServiceMonitor",
            "PodMonitor",
            "PrometheusRule",
            "ConfigMap",
            "ArrestTraining",
            "PersistentVolumeClaim")) {
      assertTrue(kind(defaults, optional).isEmpty(), optional + " is off by default");
    }

    List<JsonNode> objects = render("-f", NONDEFAULT);
    JsonNode monitor = one(objects, "ServiceMonitor", "arrest");
    assertEquals("kube-prometheus-stack", monitor.at("/metadata/labels/release").asText());
    JsonNode endpoint = monitor.at("/spec/endpoints/0");
    assertEquals("metrics", endpoint.at("/port").asText());
    assertEquals("15s", endpoint.at("/interval").asText());
    assertTrue(
        endpoint.at("/honorLabels").asBoolean(), "training series keep their own namespace label");
    JsonNode service = one(objects, "Service", "arrest-metrics");
    assertEquals(
        JSON.convertValue(service.at("/metadata/labels"), Map.class)
            .entrySet()
            .containsAll(
                JSON.convertValue(monitor.at("/spec/selector/matchLabels"), Map.class).entrySet()),
        true,
        "the ServiceMonitor selects the metrics Service");
    assertEquals(9090, service.at("/spec/ports/0/port").asInt());
    assertTrue(kind(objects, "PodMonitor").isEmpty());

    JsonNode rule = one(objects, "PrometheusRule", "arrest");
    List<String> alerts = alerts(rule);
    assertEquals(
        List.of(
            "ArrestTrainingFailed",
            "ArrestTrainingStuck",
            "ArrestTrainingPendingTooLong",
            "ArrestOperatorReconcileErrors",
            "ArrestOperatorReconcileBacklog",
            "ArrestOperatorDown"),
        alerts);
    String stuck = alertExpr(rule, "ArrestTrainingStuck");
    assertTrue(stuck.contains("offset 2h") && stuck.contains("[2h]"), stuck);
    assertTrue(
        alertExpr(rule, "ArrestOperatorDown").contains("job=\"arrest-metrics\""),
        "a ServiceMonitor's job label is the Service name");
    assertEquals("ml-platform", rule.at("/spec/groups/0/rules/0/labels/team").asText());

    JsonNode dashboard = one(objects, "ConfigMap", "arrest-dashboard");
    assertEquals("monitoring", dashboard.at("/metadata/namespace").asText());
    assertEquals("1", dashboard.at("/metadata/labels/grafana_dashboard").asText());
    assertEquals("ML", dashboard.at("/metadata/annotations/grafana_folder").asText());
    assertEquals(
        JSON.readTree(Files.readString(Helm.CHART.resolve("dashboards/arrest-operator.json"))),
        JSON.readTree(dashboard.at("/data/arrest-operator.json").asText()),
        "the dashboard ships unchanged");

    List<JsonNode> podMonitorObjects = render("-f", PODMONITOR);
    JsonNode podMonitor = one(podMonitorObjects, "PodMonitor", "arrest-operator");
    assertTrue(podMonitor.at("/spec/podMetricsEndpoints/0/honorLabels").asBoolean());
    assertTrue(kind(podMonitorObjects, "Service").isEmpty());
    assertTrue(kind(podMonitorObjects, "ServiceMonitor").isEmpty());
    assertTrue(
        alertExpr(one(podMonitorObjects, "PrometheusRule", "arrest-operator"), "ArrestOperatorDown")
            .contains("job=\"arrest-system/arrest-operator\""),
        "a PodMonitor's job label is namespace/name");
    assertTrue(
        kind(podMonitorObjects, "Role").stream()
            .noneMatch(o -> o.at("/metadata/name").asText().endsWith("leader-election")),
        "no Lease RBAC");
    assertEquals(
        "Recreate",
        typed(one(podMonitorObjects, "Deployment", "arrest-operator"), Deployment.class)
            .getSpec()
            .getStrategy()
            .getType(),
        "without leader election two operators must never overlap");
  }

  @Test
  void exampleTrainingIsValidAndUsesItsClaim() {
    List<JsonNode> objects = render("-f", NONDEFAULT);
    JsonNode claim = one(objects, "PersistentVolumeClaim", "arrest-example");
    assertEquals("ml", claim.at("/metadata/namespace").asText());
    assertEquals("fast-rwo", claim.at("/spec/storageClassName").asText());
    assertEquals("keep", claim.at("/metadata/annotations/helm.sh~1resource-policy").asText());
    ArrestTraining training =
        typed(one(objects, "ArrestTraining", "fashion-mnist-quick"), ArrestTraining.class);
    assertEquals("ml", training.getMetadata().getNamespace());
    assertEquals(List.of(), SpecValidator.validate(training));
    assertEquals(
        List.of(), PlatformValidator.validate(training.getSpec(), OperatorSettings.defaults()));
    assertEquals("arrest-example", training.getSpec().storage.claimName);
    assertEquals(1, training.getSpec().resources.finetune.gpus);

    ArrestTraining cpu =
        typed(
            one(render("-f", PODMONITOR), "ArrestTraining", "fashion-mnist-quick"),
            ArrestTraining.class);
    assertEquals(Helm.NAMESPACE, cpu.getMetadata().getNamespace());
    assertEquals(0, cpu.getSpec().resources.finetune.gpus);
    assertTrue(
        cpu.getSpec().scheduling == null
            || cpu.getSpec().scheduling.tolerations == null
            || cpu.getSpec().scheduling.tolerations.isEmpty(),
        "no GPU toleration without GPUs");
    assertEquals(List.of(), SpecValidator.validate(cpu));
    assertEquals("existing-claim", cpu.getSpec().storage.claimName);
    assertTrue(kind(render("-f", PODMONITOR), "PersistentVolumeClaim").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "trainer.userId=0 | /trainer/userId",
        "podSecurityContext.runAsNonRoot=false | /podSecurityContext/runAsNonRoot",
        "securityContext.allowPrivilegeEscalation=true | /securityContext/allowPrivilegeEscalation",
        "securityContext.privileged=true | /securityContext/privileged",
        "imagee.tag=1 | additional properties 'imagee' not allowed",
        "watchNamespaces={Team_B} | /watchNamespaces/0",
        "logLevel=verbose | /logLevel",
        "metrics.port=70000 | /metrics/port",
        "image.pullPolicy=Sometimes | /image/pullPolicy",
        "metrics.prometheusRule.stuckAfter=soon | /metrics/prometheusRule/stuckAfter",
        "example.persistence.size=lots | /example/persistence/size",
        "replicaCount=2,leaderElection.enabled=false | replicaCount > 1 needs"
            + " leaderElection.enabled=true",
        "metrics.serviceMonitor.enabled=true,metrics.podMonitor.enabled=true | enable at most one"
            + " of",
        "metrics.serviceMonitor.enabled=true,metrics.service.enabled=false | needs"
            + " metrics.service.enabled=true",
        "healthPort=8080 | metrics.port and healthPort must differ",
        "example.enabled=true,watchNamespaces={ml},example.namespace=other | example.namespace"
            + " \"other\" is not watched",
        "serviceAccount.create=false | serviceAccount.name is required",
      })
  void badValuesFailWithAMessageNamingTheKey(String set, String message) {
    Helm.Result result = Helm.template("--set", set);
    assertNotEquals(0, result.exitCode(), () -> "--set " + set + " rendered:\n" + result.stdout());
    assertTrue(
        result.stderr().contains(message.trim()),
        () -> "--set " + set + ": expected '" + message.trim() + "' in:\n" + result.stderr());
  }

  // Helpers

  private static List<JsonNode> render(String... values) {
    return Helm.objects(Helm.template(values).requireSuccess("helm template").stdout());
  }

  private static Set<String> kinds(List<JsonNode> objects) {
    return objects.stream().map(o -> o.at("/kind").asText()).collect(Collectors.toSet());
  }

  private static List<JsonNode> kind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.at("/kind").asText().equals(kind)).toList();
  }

  private static JsonNode one(List<JsonNode> objects, String kind, String name) {
    List<JsonNode> found =
        kind(objects, kind).stream()
            .filter(o -> name == null || o.at("/metadata/name").asText().equals(name))
            .toList();
    assertEquals(
        1, found.size(), () -> "expected one " + kind + " " + name + ", found " + found.size());
    return found.get(0);
  }

  private static <T> T typed(JsonNode node, Class<T> type) {
    return JSON.convertValue(node, type);
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static void assertBindsServiceAccount(
      JsonNode binding, String roleKind, String role, String account) {
    assertEquals(roleKind, binding.at("/roleRef/kind").asText());
    assertEquals(role, binding.at("/roleRef/name").asText());
    assertEquals(1, binding.at("/subjects").size());
    assertEquals("ServiceAccount", binding.at("/subjects/0/kind").asText());
    assertEquals(account, binding.at("/subjects/0/name").asText());
    assertEquals(Helm.NAMESPACE, binding.at("/subjects/0/namespace").asText());
  }

  /**
   * A rule as "group|resource|names|verbs", one per resource, sorted, so that rule grouping does
   * not matter.
   */
  static Set<String> normalize(List<Rule> rules) {
    Set<String> result = new TreeSet<>();
    for (Rule rule : rules) {
      for (String resource : rule.resources()) {
        result.add(
            rule.apiGroup()
                + "|"
                + resource
                + "|"
                + new TreeSet<>(rule.resourceNames())
                + "|"
                + new TreeSet<>(rule.verbs()));
      }
    }
    return result;
  }

  private static Set<String> rules(JsonNode role) {
    List<Rule> rules = new ArrayList<>();
    for (JsonNode node : role.at("/rules")) {
      PolicyRule rule = JSON.convertValue(node, PolicyRule.class);
      assertEquals(1, rule.getApiGroups().size(), "one API group per rule");
      rules.add(
          new Rule(
              rule.getApiGroups().get(0),
              rule.getResources(),
              rule.getResourceNames(),
              rule.getVerbs(),
              ""));
    }
    return normalize(rules);
  }

  private static List<String> alerts(JsonNode rule) {
    List<String> names = new ArrayList<>();
    rule.at("/spec/groups")
        .forEach(g -> g.at("/rules").forEach(r -> names.add(r.at("/alert").asText())));
    return names;
  }

  private static String alertExpr(JsonNode rule, String alert) {
    List<String> found = new ArrayList<>();
    rule.at("/spec/groups")
        .forEach(
            g ->
                g.at("/rules")
                    .forEach(
                        r -> {
                          if (r.at("/alert").asText().equals(alert)) {
                            found.add(r.at("/expr").asText());
                          }
                        }));
    assertEquals(1, found.size(), alert);
    return found.get(0);
  }

  private static Set<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
