package dev.arrest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The suite's cluster, set up once for all test classes that use this extension and torn down after
 * the last of them (also when a test fails): the control plane ({@link ControlPlane}), the chart
 * from {@code helm/} installed with the real {@code helm} into a fresh namespace, and a kubeconfig
 * holding a token of the chart's ServiceAccount. Test classes get it as a parameter of their
 * {@code @BeforeAll} method.
 */
public final class ControlPlaneSuite implements BeforeAllCallback, ParameterResolver {
  static final String RELEASE = "arrest";
  static final String RELEASE_NAMESPACE = "arrest-system";
  static final String CRD = "arresttrainings.arrest.dev";

  /**
   * Chart values of this suite: progress is read every second, so that the short stages here show
   * some; the policy allows the suite's claim, one PriorityClass and GPU tolerations, and besides
   * the chart's own trainer image those of a registry that never resolves (for the fault campaign's
   * image that cannot be pulled), which {@link PolicyOnApiServerTest} tests.
   */
  static final List<String> VALUES =
      List.of(
          "trainer.progressIntervalSeconds=1",
          "policy.allowedClaimNames={arrest-data}",
          "policy.allowedImages={" + NodeStandIn.UNPULLABLE_REGISTRY + "/*}",
          "policy.allowedPriorityClasses={arrest-batch}",
          "policy.allowedTolerations={nvidia.com/gpu}");

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(ControlPlaneSuite.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Cluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster(context);
  }

  private static Cluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(Cluster.class, type -> Cluster.create(), Cluster.class);
  }

  /** The control plane with the chart installed. */
  static final class Cluster implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final ControlPlane controlPlane;
    final KubernetesClient admin;
    final Path chart;
    Cli.Result helmInstall;
    String serviceAccount;
    Path operatorKubeconfig;

    /**
     * Scrapes what the tests register (the operator's /metrics) and evaluates the chart's alerts.
     */
    PrometheusServer prometheus;

    /**
     * The job label a ServiceMonitor of the chart gives the operator's series: the Service name.
     */
    String metricsJob;

    private Cluster(ControlPlane controlPlane, Path chart) {
      this.controlPlane = controlPlane;
      this.admin = controlPlane.admin();
      this.chart = chart;
    }

    static Cluster create() {
      Path chart = chart();
      ControlPlane controlPlane;
      try {
        controlPlane = ControlPlane.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the control plane", e);
      }
      Cluster cluster = new Cluster(controlPlane, chart);
      try {
        cluster.install();
        cluster.startPrometheus();
        return cluster;
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      }
    }

    /** The chart directory: the one directory under helm/ with a Chart.yaml. */
    static Path chart() {
      Path helm = Path.of("helm");
      if (Files.isRegularFile(helm.resolve("Chart.yaml"))) {
        return helm;
      }
      try (Stream<Path> charts = Files.list(helm)) {
        List<Path> found =
            charts.filter(dir -> Files.isRegularFile(dir.resolve("Chart.yaml"))).toList();
        if (found.size() != 1) {
          throw new IllegalStateException("expected one chart under helm/, found " + found);
        }
        return found.get(0);
      } catch (IOException e) {
        throw new IllegalStateException("no chart under helm/ (" + e + ")", e);
      }
    }

    private void install() {
      Instant begin = Instant.now();
      List<String> command =
          new ArrayList<>(
              List.of(
                  Tools.helm(),
                  "install",
                  RELEASE,
                  chart.toString(),
                  "--namespace",
                  RELEASE_NAMESPACE,
                  "--create-namespace",
                  "--kubeconfig",
                  controlPlane.kubeconfig().toString()));
      for (String value : VALUES) {
        command.add("--set");
        command.add(value);
      }
      helmInstall = Cli.run(command, Duration.ofMinutes(3)).check("helm install");
      kubectl("wait", "--for=condition=Established", "crd/" + CRD, "--timeout=60s")
          .check("CRD established");
      Deployment deployment = operatorDeployment();
      serviceAccount = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
      if (serviceAccount == null || serviceAccount.isBlank()) {
        throw new AssertionError(
            "the chart's Deployment names no serviceAccountName (it would run as default)");
      }
      operatorKubeconfig = serviceAccountKubeconfig(serviceAccount);
      System.out.printf(
          "chart %s installed as release %s in %s in %d s; operator ServiceAccount %s%n",
          chart,
          RELEASE,
          RELEASE_NAMESPACE,
          Duration.between(begin, Instant.now()).toSeconds(),
          serviceAccount);
    }

    /**
     * Starts Prometheus with the chart's alert rules, rendered for this release with a
     * ServiceMonitor, and a scrape job named as the ServiceMonitor's would be.
     */
    private void startPrometheus() {
      Instant begin = Instant.now();
      List<String> command =
          new ArrayList<>(
              List.of(
                  Tools.helm(),
                  "template",
                  RELEASE,
                  chart.toString(),
                  "--namespace",
                  RELEASE_NAMESPACE,
                  "--set",
                  "metrics.prometheusRule.enabled=true",
                  "--set",
                  "metrics.serviceMonitor.enabled=true"));
      for (String value : VALUES) {
        command.add("--set");
        command.add(value);
      }
      String rendered = Cli.run(command, Duration.ofMinutes(2)).check("helm template").stdout();
      metricsJob =
          admin
              .services()
              .inNamespace(RELEASE_NAMESPACE)
              .withLabel("app.kubernetes.io/instance", RELEASE)
              .list()
              .getItems()
              .stream()
              .filter(
                  service ->
                      service.getSpec().getPorts().stream()
                          .anyMatch(port -> "metrics".equals(port.getName())))
              .map(service -> service.getMetadata().getName())
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("the release has no Service with a metrics port"));
      try {
        prometheus =
            PrometheusServer.start(
                metricsJob, ruleFile(rendered), controlPlane.home().resolve("prometheus"));
      } catch (IOException e) {
        throw new IllegalStateException("cannot start prometheus", e);
      }
      System.out.printf(
          "prometheus started in %d s (job %s, log %s)%n",
          Duration.between(begin, Instant.now()).toSeconds(), metricsJob, prometheus.log());
    }

    /** The rule groups of the one PrometheusRule in {@code rendered}, as a Prometheus rule file. */
    private static String ruleFile(String rendered) {
      YAMLMapper yaml = new YAMLMapper();
      try (var parser = yaml.getFactory().createParser(rendered)) {
        var documents = yaml.readValues(parser, JsonNode.class);
        while (documents.hasNext()) {
          JsonNode document = documents.next();
          if (document != null && "PrometheusRule".equals(document.at("/kind").asText())) {
            return yaml.writeValueAsString(document.at("/spec"));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throw new AssertionError("helm template rendered no PrometheusRule:\n" + rendered);
    }

    /** The operator's Deployment of the release. */
    Deployment operatorDeployment() {
      List<Deployment> deployments =
          admin
              .apps()
              .deployments()
              .inNamespace(RELEASE_NAMESPACE)
              .withLabel("app.kubernetes.io/instance", RELEASE)
              .list()
              .getItems();
      if (deployments.size() != 1) {
        throw new AssertionError(
            "expected one Deployment of release "
                + RELEASE
                + ", found "
                + deployments.stream().map(d -> d.getMetadata().getName()).toList());
      }
      return deployments.get(0);
    }

    /**
     * A kubeconfig with a token of the ServiceAccount and nothing else: on 1.20 a
     * kubernetes.io/service-account-token Secret that the controller-manager's token controller
     * fills in.
     */
    private Path serviceAccountKubeconfig(String name) {
      String secretName = name + "-e2e-token";
      admin
          .secrets()
          .inNamespace(RELEASE_NAMESPACE)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(secretName)
                  .withNamespace(RELEASE_NAMESPACE)
                  .addToAnnotations("kubernetes.io/service-account.name", name)
                  .endMetadata()
                  .withType("kubernetes.io/service-account-token")
                  .build())
          .create();
      Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
      Secret secret = null;
      while (Instant.now().isBefore(deadline)) {
        secret = admin.secrets().inNamespace(RELEASE_NAMESPACE).withName(secretName).get();
        if (secret != null && secret.getData() != null && secret.getData().get("token") != null) {
          break;
        }
        sleep(Duration.ofMillis(250));
      }
      if (secret == null || secret.getData() == null || secret.getData().get("token") == null) {
        throw new AssertionError(
            "the token controller did not fill "
                + secretName
                + ":\n"
                + controlPlane.logTail("kube-controller-manager", 20));
      }
      String token = new String(Base64.getDecoder().decode(secret.getData().get("token")));
      String ca = secret.getData().get("ca.crt");
      String kubeconfig =
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: e2e
            cluster:
              server: %s
              certificate-authority-data: %s
          users:
          - name: %s
            user:
              token: %s
          contexts:
          - name: e2e
            context: {cluster: e2e, user: %s, namespace: %s}
          current-context: e2e
          """
              .formatted(controlPlane.server(), ca, name, token, name, RELEASE_NAMESPACE);
      try {
        Path file = controlPlane.home().resolve("operator.kubeconfig");
        Files.writeString(file, kubeconfig);
        return file;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** kubectl with the admin kubeconfig. */
    Cli.Result kubectl(String... args) {
      return kubectl(Duration.ofMinutes(2), args);
    }

    Cli.Result kubectl(Duration timeout, String... args) {
      List<String> command =
          new ArrayList<>(
              List.of(Tools.kubectl(), "--kubeconfig", controlPlane.kubeconfig().toString()));
      command.addAll(List.of(args));
      return Cli.run(command, timeout);
    }

    /** helm with the admin kubeconfig. */
    Cli.Result helm(String... args) {
      List<String> command = new ArrayList<>(List.of(Tools.helm()));
      command.addAll(List.of(args));
      command.addAll(List.of("--kubeconfig", controlPlane.kubeconfig().toString()));
      return Cli.run(command, Duration.ofMinutes(2));
    }

    /** "system:serviceaccount:<namespace>:<name>" of the operator. */
    String operatorUser() {
      return "system:serviceaccount:" + RELEASE_NAMESPACE + ":" + serviceAccount;
    }

    @Override
    public void close() {
      try {
        if (prometheus != null) {
          prometheus.close();
        }
      } finally {
        controlPlane.close();
      }
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Where helm and kubectl are: $HELM/$KUBECTL, else the tools .ci/setup.sh installs, else the
   * PATH.
   */
  static final class Tools {
    private Tools() {}

    static String helm() {
      return find("HELM", "helm/helm", "helm");
    }

    static String kubectl() {
      return find("KUBECTL", "kubectl/kubectl", "kubectl");
    }

    private static String find(String variable, String inTools, String onPath) {
      String configured = System.getenv(variable);
      if (configured != null && !configured.isBlank()) {
        return configured;
      }
      String tools = System.getenv("ARREST_TOOLS");
      Path installed =
          (tools != null && !tools.isBlank()
                  ? Path.of(tools)
                  : Path.of(System.getProperty("user.home"), ".cache", "arrest-ci", "tools"))
              .resolve(inTools);
      if (Files.isExecutable(installed)) {
        return installed.toString();
      }
      return onPath;
    }

    /** The environment for the control plane's scripts: start.sh needs kubectl on the PATH. */
    static Map<String, String> scriptEnv() {
      Map<String, String> env = new HashMap<>();
      Path kubectl = Path.of(kubectl());
      if (kubectl.getParent() != null) {
        env.put("PATH", kubectl.getParent() + ":" + System.getenv("PATH"));
      }
      return env;
    }
  }
}
