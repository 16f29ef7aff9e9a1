package dev.arrest.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.status.NonFiniteNumbers;
import dev.arrest.operator.testing.FakeCluster;
import dev.arrest.operator.testing.FakeKubelet;
import dev.arrest.operator.testing.Trainings;
import dev.arrest.results.ExitCodes;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a training's status says when the cluster misbehaves, and what the operator does about it:
 * against Fabric8's mock API server, with pod states dictated through the {@link FakeKubelet} and
 * time moved by the lifecycle's clock.
 */
class UnhappyClusterLifecycleTest {
  private static final String NS = "ml";

  @TempDir Path volume;

  private FakeCluster cluster;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private Duration clockOffset = Duration.ZERO;
  private Optional<Duration> lastRequeue;

  @BeforeEach
  void setUp() {
    cluster = new FakeCluster();
    client = cluster.client();
    kubelet = new FakeKubelet(cluster, volume);
  }

  @AfterEach
  void tearDown() throws Exception {
    kubelet.close();
    cluster.close();
  }

  private TrainingLifecycle lifecycle() {
    Clock clock = Clock.offset(Clock.systemUTC(), clockOffset);
    return new TrainingLifecycle(
        OperatorSettings.defaults().withProgressInterval(Duration.ofSeconds(15)),
        new StageJobs(client),
        new PodLogProgressReader(client),
        new TrainingEvents(client, clock),
        clock);
  }

  private ArrestTraining reconcile(String name) {
    ArrestTraining training = get(name);
    lastRequeue = lifecycle().reconcile(training);
    return client.resources(ArrestTraining.class).inNamespace(NS).resource(training).updateStatus();
  }

  private void apply(String name, Consumer<ArrestTraining> change) {
    ArrestTraining training = Trainings.fashionMnist(name);
    change.accept(training);
    client.resource(training).inNamespace(NS).create();
  }

  private ArrestTraining get(String name) {
    return client.resources(ArrestTraining.class).inNamespace(NS).withName(name).get();
  }

  private void edit(String name, Consumer<ArrestTraining> change) {
    ArrestTraining training = get(name);
    change.accept(training);
    client.resources(ArrestTraining.class).inNamespace(NS).resource(training).update();
  }

  private Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private List<Event> warnings(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()) && reason.equals(e.getReason()))
        .toList();
  }

  private static Condition condition(ArrestTraining training, String type) {
    return Conditions.find(training.getStatus().conditions, type).orElseThrow();
  }

  @Test
  void anImageThatCannotBePulledShowsItsReasonAtOnceAndFailsAfterTheStartTimeout() {
    apply("pull", t -> {});
    reconcile("pull");
    kubelet.waiting(
        job("pull-pretrain"),
        "ImagePullBackOff",
        "Back-off pulling image \"" + OperatorSettings.DEFAULT_TRAINER_IMAGE + "\"");

    ArrestTraining training = reconcile("pull");
    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    Condition ready = condition(training, Conditions.READY);
    assertEquals("ImagePullFailed", ready.getReason());
    assertTrue(
        ready.getMessage().contains("cannot pull image " + OperatorSettings.DEFAULT_TRAINER_IMAGE),
        ready.getMessage());
    assertTrue(ready.getMessage().contains("spec.image"), "names the field to fix");
    assertEquals("pretrain waiting: ImagePullFailed", training.getStatus().progress.summary);
    assertEquals(1, warnings("ImagePullFailed").size());
    reconcile("pull");
    assertEquals(1, warnings("ImagePullFailed").size(), "said once, not every pass");

    clockOffset = Duration.ofSeconds(601);
    training = reconcile("pull");
    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    assertEquals("ImagePullFailed", condition(training, Conditions.FAILED).getReason());
    assertTrue(
        condition(training, Conditions.FAILED)
            .getMessage()
            .contains("did not start within spec.runPolicy.startTimeoutSeconds (600 s)"));
    assertNull(job("pull-pretrain"), "the waiting Job is removed");
  }

  @Test
  void anUnschedulablePodShowsTheSchedulersMessage() {
    apply("big", t -> t.getSpec().resources.pretrain.gpus = 8);
    reconcile("big");
    kubelet.unschedulable(
        job("big-pretrain"), "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.");

    ArrestTraining training = reconcile("big");

    Condition ready = condition(training, Conditions.READY);
    assertEquals("Unschedulable", ready.getReason());
    assertTrue(ready.getMessage().contains("3 Insufficient nvidia.com/gpu"), ready.getMessage());
    assertEquals("True", condition(training, Conditions.PROGRESSING).getStatus());
    assertEquals(1, warnings("Unschedulable").size());
  }

  @Test
  void aPodTheJobControllerCannotCreateShowsItsFailedCreateEvent() {
    apply("quota", t -> {});
    reconcile("quota");
    kubelet.failedCreate(
        job("quota-pretrain"),
        "Error creating: pods \"quota-pretrain-x\" is forbidden: exceeded quota: gpu-quota");
    ArrestTraining training = reconcile("quota");
    assertEquals(
        "Pretraining",
        condition(training, Conditions.READY).getReason(),
        "a Job's first seconds without a pod are normal; its Events are not read yet");

    clockOffset = Duration.ofSeconds(11);
    training = reconcile("quota");

    Condition ready = condition(training, Conditions.READY);
    assertEquals("JobCreateFailed", ready.getReason());
    assertTrue(ready.getMessage().contains("exceeded quota: gpu-quota"), ready.getMessage());
  }

  @Test
  void aJobTheApiServerRefusesFailsBeforeAnyJobWithTheField() {
    cluster.refuseDryRuns(
        new StatusBuilder()
            .withCode(422)
            .withReason("Invalid")
            .withMessage("Job.batch \"refused-pretrain\" is invalid")
            .withNewDetails()
            .addNewCause()
            .withField("spec.template.spec.nodeSelector")
            .withMessage("Invalid value: \"bad value!\": a valid label must be ...")
            .endCause()
            .endDetails()
            .build());
    apply("refused", t -> {});

    ArrestTraining training = reconcile("refused");

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    Condition failed = condition(training, Conditions.FAILED);
    assertEquals("JobRejected", failed.getReason());
    assertTrue(
        failed.getMessage().contains("spec.template.spec.nodeSelector: Invalid value"),
        failed.getMessage());
    assertTrue(client.batch().v1().jobs().inNamespace(NS).list().getItems().isEmpty());
  }

  @Test
  void aTrainerThatRefusesItsSpecFailsAtOnceWithoutTheJobsRetries() {
    apply("refuses", t -> t.getSpec().runPolicy.backoffLimit = 5);
    reconcile("refuses");
    kubelet.podFailed(
        job("refuses-pretrain"),
        ExitCodes.INVALID_SPEC,
        "{\"kind\":\"x\"} spec.model.architecture: unknown");

    ArrestTraining training = reconcile("refuses");

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    assertEquals("InvalidSpec", condition(training, Conditions.FAILED).getReason());
    assertNull(job("refuses-pretrain"), "its remaining retries would refuse the spec again");
  }

  @Test
  void anEvictedPodRestartsTheStageAsTheNextAttemptOnceTheOldJobIsGone() {
    apply("evicted", t -> {});
    reconcile("evicted");
    kubelet.evicted(job("evicted-pretrain"));

    ArrestTraining training = reconcile("evicted");
    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    assertEquals(1, training.getStatus().stages.pretrain.restarts);
    assertTrue(
        training.getStatus().stages.pretrain.message.contains("Evicted"),
        training.getStatus().stages.pretrain.message);
    assertEquals("False", condition(training, Conditions.FAILED).getStatus());

    // The mock server deletes at once, as a real one does once the pods are gone.
    training = reconcile("evicted");
    assertNotNull(job("evicted-pretrain-r1"));
    assertEquals(StagePhase.RUNNING, training.getStatus().stages.pretrain.phase);
    assertEquals(
        "1", job("evicted-pretrain-r1").getMetadata().getLabels().get("arrest.dev/attempt"));

    kubelet.finish(
        job("evicted-pretrain-r1"),
        0,
        TrainingLifecycleTest.trainingStageResult(Stage.PRETRAIN, 2));
    training = reconcile("evicted");
    assertEquals(StagePhase.SUCCEEDED, training.getStatus().stages.pretrain.phase);
    assertEquals(TrainingPhase.FINETUNING, training.getStatus().phase);
  }

  @Test
  void suspendStopsTheJobAndResumeStartsTheNextAttempt() {
    apply("pause", t -> {});
    reconcile("pause");
    kubelet.running(job("pause-pretrain"), "");

    edit("pause", t -> t.getSpec().suspend = true);
    ArrestTraining training = reconcile("pause");
    assertEquals(TrainingPhase.SUSPENDED, training.getStatus().phase);
    assertNull(job("pause-pretrain"));
    assertEquals("Suspended", condition(training, Conditions.READY).getReason());
    assertEquals("False", condition(training, Conditions.PROGRESSING).getStatus());
    assertFalse(
        Conditions.find(training.getStatus().conditions, Conditions.SPEC_APPLIED)
            .map(c -> "False".equals(c.getStatus()))
            .orElse(false),
        "suspend is a run control, not a spec change");
    assertEquals(Optional.empty(), lastRequeue, "nothing to poll while suspended");

    edit("pause", t -> t.getSpec().suspend = false);
    training = reconcile("pause");
    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    assertEquals("StageRestarted", condition(training, Conditions.READY).getReason());
    assertNull(job("pause-pretrain-r1"), "not while a pod of the stopped Job may still write");
    // The garbage collector removes the stopped Job's pod (the mock server has none).
    client.pods().inNamespace(NS).withLabel("job-name", "pause-pretrain").delete();
    training = reconcile("pause");
    assertNotNull(job("pause-pretrain-r1"), "resumes from the checkpoint as a new Job");
    assertNull(training.getStatus().stages.pretrain.restarts, "not counted as a restart");
  }

  @Test
  void theRunsDeadlineStopsItsJobsAndFailsIt() {
    apply("late", t -> t.getSpec().runPolicy.activeDeadlineSeconds = 60L);
    reconcile("late");
    assertTrue(
        job("late-pretrain").getSpec().getActiveDeadlineSeconds() <= 60,
        "the Job gets the time left");

    clockOffset = Duration.ofSeconds(61);
    ArrestTraining training = reconcile("late");

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    assertEquals("DeadlineExceeded", condition(training, Conditions.FAILED).getReason());
    assertNull(job("late-pretrain"));
    assertNotNull(training.getStatus().completionTime);
  }

  @Test
  void aNewRestartNonceRerunsTheFailedStageFromItsCheckpoints() {
    apply("again", t -> {});
    reconcile("again");
    kubelet.finish(
        job("again-pretrain"), 0, TrainingLifecycleTest.trainingStageResult(Stage.PRETRAIN, 2));
    reconcile("again");
    kubelet.finish(job("again-finetune"), 1, "java.io.IOException: disk quota exceeded");
    ArrestTraining training = reconcile("again");
    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);

    edit("again", t -> t.getSpec().restartNonce = 1L);
    training = reconcile("again");
    assertEquals(TrainingPhase.FINETUNING, training.getStatus().phase);
    assertNull(job("again-finetune"), "the failed attempt's Job goes first");
    training = reconcile("again");

    assertEquals(TrainingPhase.FINETUNING, training.getStatus().phase);
    assertEquals(1L, training.getStatus().restartNonce);
    assertEquals(StagePhase.SUCCEEDED, training.getStatus().stages.pretrain.phase, "kept");
    assertNotNull(job("again-finetune-r1"));
    assertEquals("False", condition(training, Conditions.FAILED).getStatus());
  }

  @Test
  void finishedJobsAreDeletedOnlyAfterTheirOutcomeIsStoredAndTheTrainingAfterItsTtl() {
    apply(
        "tidy",
        t -> {
          t.getSpec().runPolicy.jobTtlSecondsAfterFinished = 0;
          t.getSpec().runPolicy.ttlSecondsAfterFinished = 300;
          t.getSpec().pretraining.checkpoint = "/workspace/standard.params";
        });
    reconcile("tidy");
    kubelet.finish(
        job("tidy-finetune"), 0, TrainingLifecycleTest.trainingStageResult(Stage.FINETUNE, 2));
    reconcile("tidy");
    assertNotNull(job("tidy-finetune"), "its outcome is recorded in this pass, not yet stored");
    reconcile("tidy");
    assertNull(job("tidy-finetune"), "its outcome was stored by the pass before");
    kubelet.finish(job("tidy-evaluate"), 0, TrainingLifecycleTest.evaluationResult());

    ArrestTraining training = reconcile("tidy");
    assertEquals(TrainingPhase.SUCCEEDED, training.getStatus().phase);
    assertNotNull(job("tidy-evaluate"), "recorded in this pass, stored only after it");
    assertTrue(lastRequeue.isPresent() && lastRequeue.get().getSeconds() <= 300);

    reconcile("tidy");
    assertNull(job("tidy-evaluate"));
    assertNotNull(get("tidy"));

    clockOffset = Duration.ofSeconds(301);
    ArrestTraining expired = get("tidy");
    String before = io.fabric8.kubernetes.client.utils.Serialization.asJson(expired.getStatus());
    lifecycle().reconcile(expired);
    assertNull(get("tidy"), "deleted after spec.runPolicy.ttlSecondsAfterFinished");
    assertEquals(
        before,
        io.fabric8.kubernetes.client.utils.Serialization.asJson(expired.getStatus()),
        "no status left to write for a deleted training");
  }

  @Test
  void nonFiniteNumbersAreLeftOutOfTheStatusWithTheirPath() {
    ArrestTraining training = Trainings.fashionMnist("nan");
    TrainingLifecycle.statusOf(training);
    training.getStatus().progress = new TrainingProgress();
    training.getStatus().progress.loss = Double.NaN;
    training.getStatus().progress.imagesPerSecond = Double.POSITIVE_INFINITY;
    training.getStatus().progress.fraction = 0.5;

    List<String> cleared = NonFiniteNumbers.clear(training.getStatus(), "status");

    assertEquals(List.of("status.progress.loss", "status.progress.imagesPerSecond"), cleared);
    assertNull(training.getStatus().progress.loss);
    assertEquals(0.5, training.getStatus().progress.fraction);
  }
}
