package dev.arrest.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.operator.health.HealthServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ArrestOperatorTest {

  private static ArrestOperator parse(String... args) {
    ArrestOperator operator = new ArrestOperator();
    new CommandLine(operator).parseArgs(args);
    return operator;
  }

  @Test
  void watchesAllNamespacesByDefaultOrTheListedOnes() {
    assertEquals(Set.of(), parse().watchedNamespaces());
    assertEquals(
        List.of("team-a", "team-b"),
        List.copyOf(parse("--namespaces", "team-a, team-b,").watchedNamespaces()));
  }

  @Test
  void leaderElectionIsOffByDefaultAndNeedsALeaseNamespace() {
    assertNull(parse().leaderElection());
    var election =
        parse("--leader-election", "--lease-namespace", "arrest-system").leaderElection();
    assertEquals("arrest-operator-leader", election.getLeaseName());
    assertEquals("arrest-system", election.getLeaseNamespace().orElseThrow());
    CommandLine.ParameterException missing =
        assertThrows(
            CommandLine.ParameterException.class,
            () -> parse("--leader-election", "--lease-namespace", "").leaderElection());
    assertTrue(missing.getMessage().contains("--lease-namespace"));
  }

  @Test
  void defaultsForPortsImageAndProgress() {
    ArrestOperator operator = parse();
    assertEquals(8080, operator.metricsPort);
    assertEquals(8081, operator.healthPort);
    assertEquals(OperatorSettings.DEFAULT_TRAINER_IMAGE, operator.trainerImage);
    assertEquals(15, operator.progressIntervalSeconds);
    assertTrue(operator.trainerReadOnlyRootFilesystem);
  }

  @Test
  void trainerSecuritySettingsComeFromTheirFlags() {
    ArrestOperator operator =
        parse("--trainer-read-only-root-filesystem", "false", "--trainer-user-id", "2000");
    assertFalse(operator.trainerReadOnlyRootFilesystem);
    assertEquals(2000, operator.trainerUserId);
    assertTrue(parse("--trainer-read-only-root-filesystem=true").trainerReadOnlyRootFilesystem);
    CommandLine.ParameterException root =
        assertThrows(
            CommandLine.ParameterException.class, () -> parse("--trainer-user-id", "0").call());
    assertTrue(root.getMessage().contains("non-root"), root.getMessage());
  }

  @Test
  void policyFlagsDefaultToTheOperatorsImageOnlyAndAreCheckedAtStart() {
    assertEquals(
        dev.arrest.operator.policy.TrainingPolicy.DEFAULT, parse().policy(), "the default policy");
    var policy =
        parse(
                "--allowed-images",
                "registry.example.com/ml/*,",
                "--allowed-claim-names",
                "",
                "--allowed-priority-classes",
                "batch-low, batch-high",
                "--allowed-tolerations",
                "nvidia.com/gpu:NoSchedule")
            .policy();
    assertEquals(List.of("registry.example.com/ml/*"), policy.images().entries());
    assertEquals(List.of(), policy.claimNames().entries());
    assertEquals(List.of("batch-low", "batch-high"), policy.priorityClasses().entries());
    assertEquals(List.of("nvidia.com/gpu:NoSchedule"), policy.tolerations().entries());
    CommandLine.ParameterException bad =
        assertThrows(
            CommandLine.ParameterException.class,
            () -> parse("--allowed-images", "registry.example.com/ml*").call());
    assertTrue(
        bad.getMessage().startsWith("--allowed-images: 'registry.example.com/ml*'"),
        bad.getMessage());
  }

  @Test
  void healthEndpointsAnswerFromTheirChecks() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer health = new HealthServer(0, () -> true, ready::get)) {
      assertEquals(200, get(health.port(), "/healthz"));
      assertEquals(503, get(health.port(), "/readyz"));
      ready.set(true);
      assertEquals(200, get(health.port(), "/readyz"));
    }
  }

  private static int get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
