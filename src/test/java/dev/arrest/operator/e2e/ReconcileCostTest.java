package dev.arrest.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.operator.reconciler.JobCreations;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.testing.ApiRequests;
import dev.arrest.operator.testing.Trainings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reconciliation costs once trainings pile up (docs/operator.md, Scale): the operator's own
 * writes start no reconciliation, a running stage is reconciled from the informer caches without
 * API requests, and a finished training costs nothing and leaves no live gauges.
 */
class ReconcileCostTest {
  private static final String NS = "ml";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Long enough for several reschedules at the interval used below. */
  private static final Duration QUIET = Duration.ofSeconds(2);

  @TempDir Path volume;

  private OperatorLoop loop;

  @BeforeEach
  void setUp() {
    loop = new OperatorLoop(volume);
  }

  @AfterEach
  void tearDown() throws Exception {
    loop.close();
  }

  @Test
  void theOperatorsOwnStatusWriteStartsNoReconciliation() throws Exception {
    loop.startOperator(Duration.ofHours(1));
    ArrestTraining invalid = Trainings.fashionMnist("invalid");
    invalid.getSpec().finetuning.epochs = 0;
    loop.client.resource(invalid).inNamespace(NS).create();
    loop.awaitTraining(NS, "invalid", OperatorLoop.inPhase(TrainingPhase.FAILED), TIMEOUT);
    Thread.sleep(QUIET.toMillis());

    assertEquals(1.0, loop.reconciliations(), "one reconciliation, which wrote the Failed status");

    // A spec change is a new generation, which is reconciled: the fixed spec starts.
    ArrestTraining fixed = loop.get(NS, "invalid");
    fixed.getSpec().finetuning.epochs = 2;
    loop.client.resource(fixed).update();
    loop.awaitTraining(
        NS,
        "invalid",
        training -> training.getStatus().phase == TrainingPhase.PRETRAINING,
        TIMEOUT);
    assertTrue(loop.reconciliations() >= 2.0);
  }

  @Test
  void aRunningStageIsReconciledFromTheCachesWithoutRequests() throws Exception {
    loop.startOperator(Duration.ofMillis(200));
    loop.client.resource(Trainings.fashionMnist("pending")).inNamespace(NS).create();
    // No kubelet: the Job exists, its pod never runs, and the stage is rescheduled all along.
    loop.awaitTraining(NS, "pending", ReconcileCostTest::pretrainRunning, TIMEOUT);
    podCreating(NS);
    Thread.sleep(QUIET.toMillis());
    int requestsBefore = loop.operatorRequests().size();
    double reconcilesBefore = loop.reconciliations();

    Thread.sleep(QUIET.toMillis());

    assertTrue(
        loop.reconciliations() - reconcilesBefore >= 3,
        "rescheduled reconciliations: " + (loop.reconciliations() - reconcilesBefore));
    assertEquals(List.of(), requestsBesidesWatches(requestsBefore));
  }

  @Test
  void aTrainingCreatedAfterTheOperatorStartedGetsItsJobWithoutReadingTheClusterFirst()
      throws Exception {
    loop.startOperator(Duration.ofHours(1));
    // Past the clock margin: no earlier operator process can have seen this training.
    Thread.sleep(JobCreations.CLOCK_MARGIN.plusSeconds(2).toMillis());
    int requestsBefore = loop.operatorRequests().size();
    loop.client.resource(Trainings.fashionMnist("fresh")).inNamespace(NS).create();
    loop.awaitTraining(NS, "fresh", ReconcileCostTest::pretrainRunning, TIMEOUT);

    List<String> requests = requestsBesidesWatches(requestsBefore);
    // Neither the StageStarted Event of an earlier process nor pods of an earlier Job of the
    // attempt's name are looked for: this process alone created its Jobs.
    assertEquals(
        List.of(),
        requests.stream()
            .filter(
                r ->
                    (r.startsWith("GET ") && r.contains("/events/"))
                        || (r.contains("/pods?") && r.contains("job-name")))
            .toList(),
        String.join("\n", requests));
    assertTrue(
        requests.stream().anyMatch(r -> r.startsWith("POST ") && r.contains("/jobs")),
        String.join("\n", requests));
  }

  @Test
  void aStuckJobsFailedCreateReachesTheStatusFromTheEventWatchWithoutARequest() throws Exception {
    loop.startOperator(Duration.ofMillis(200));
    loop.client.resource(Trainings.fashionMnist("stuck")).inNamespace(NS).create();
    loop.awaitTraining(NS, "stuck", ReconcileCostTest::pretrainRunning, TIMEOUT);
    int requestsBefore = loop.operatorRequests().size();

    // No kubelet: the Job has no pod, as when a quota refuses it.
    loop.kubelet.failedCreate(
        loop.client.batch().v1().jobs().inNamespace(NS).withName("stuck-pretrain").get(),
        "Error creating: pods \"stuck-pretrain-x\" is forbidden: exceeded quota: gpu-quota");
    ArrestTraining stuck =
        loop.awaitTraining(
            NS,
            "stuck",
            training ->
                Conditions.find(training.getStatus().conditions, Conditions.READY)
                    .filter(ready -> "JobCreateFailed".equals(ready.getReason()))
                    .isPresent(),
            TIMEOUT);

    assertTrue(
        Conditions.find(stuck.getStatus().conditions, Conditions.READY)
            .orElseThrow()
            .getMessage()
            .contains("exceeded quota: gpu-quota"));
    List<String> requests = requestsBesidesWatches(requestsBefore);
    assertTrue(
        requests.stream().noneMatch(r -> r.startsWith("GET ") && r.contains("/events")),
        String.join("\n", requests));
  }

  @Test
  void eachWatchedNamespaceHasItsOwnCaches() throws Exception {
    loop.startOperator(Duration.ofMillis(200), Set.of(NS, "other"));
    for (String namespace : List.of(NS, "other")) {
      loop.client.resource(Trainings.fashionMnist("pending")).inNamespace(namespace).create();
    }
    for (String namespace : List.of(NS, "other")) {
      loop.awaitTraining(namespace, "pending", ReconcileCostTest::pretrainRunning, TIMEOUT);
      podCreating(namespace);
    }
    Thread.sleep(QUIET.toMillis());
    int requestsBefore = loop.operatorRequests().size();

    Thread.sleep(QUIET.toMillis());

    assertEquals(List.of(), requestsBesidesWatches(requestsBefore));
  }

  @Test
  void aFinishedTrainingCostsNoRequestAndKeepsNoLiveGauges() throws Exception {
    loop.startOperator(Duration.ofMillis(200));
    loop.kubelet.start(OperatorLoopTest::standIn);
    loop.client.resource(Trainings.fashionMnist("done")).inNamespace(NS).create();
    loop.awaitTraining(NS, "done", OperatorLoop.inPhase(TrainingPhase.SUCCEEDED), TIMEOUT);
    Thread.sleep(QUIET.toMillis());
    int requestsBefore = loop.operatorRequests().size();
    double reconcilesBefore = loop.reconciliations();

    Thread.sleep(QUIET.toMillis());

    assertEquals(reconcilesBefore, loop.reconciliations(), "reconciliations of a finished one");
    assertEquals(List.of(), requestsBesidesWatches(requestsBefore));
    String metrics = loop.scrapeMetrics();
    String training = "namespace=\"ml\",name=\"done\",method=\"arrest\"";
    assertTrue(
        metrics.contains("arrest_training_phase{" + training + ",phase=\"Succeeded\",} 1.0"),
        metrics);
    assertTrue(metrics.contains("arrest_training_standard_accuracy{" + training + ",}"));
    for (String live :
        List.of(
            "arrest_training_stage_progress_ratio{",
            "arrest_training_loss{",
            "arrest_training_images_per_second{",
            "arrest_training_eta_seconds{")) {
      assertFalse(metrics.contains(live + training), live + " of a finished training");
    }
  }

  /**
   * The Job's pod exists and its container is being created, as on a cluster whose kubelet is slow:
   * a stage Job without any pod is a stuck one, whose Events the observer reads (FailedCreate).
   */
  private void podCreating(String namespace) {
    loop.kubelet.waiting(
        loop.client.batch().v1().jobs().inNamespace(namespace).withName("pending-pretrain").get(),
        "ContainerCreating",
        null);
  }

  private static boolean pretrainRunning(ArrestTraining training) {
    return training.getStatus() != null
        && training.getStatus().stages != null
        && training.getStatus().stages.pretrain.phase == StagePhase.RUNNING;
  }

  /** The operator's requests since the first {@code from}, without its informers' watches. */
  private List<String> requestsBesidesWatches(int from) {
    List<String> requests = loop.operatorRequests();
    return requests.subList(from, requests.size()).stream()
        .filter(request -> !ApiRequests.access(request).verb().equals("watch"))
        .toList();
  }
}
