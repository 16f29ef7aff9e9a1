package dev.arrest.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.jobs.TrainerDocument;
import dev.arrest.operator.jobs.TrainerLabels;
import dev.arrest.operator.policy.TrainingPolicy;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.testing.FakeCluster;
import dev.arrest.operator.testing.FakeKubelet;
import dev.arrest.operator.testing.Trainings;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import dev.arrest.tradeoff.TradeoffScore;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciliation logic against Fabric8's mock API server in CRUD mode. Each {@link #reconcile}
 * call does what JOSDK does around the reconciler: read the resource, reconcile, write the status.
 * Job outcomes are dictated through the {@link FakeKubelet} without running processes.
 */
class TrainingLifecycleTest {
  private static final String NS = "ml";

  @TempDir Path volume;

  private FakeCluster cluster;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private OperatorSettings settings;

  @BeforeEach
  void setUp() {
    cluster = new FakeCluster();
    client = cluster.client();
    kubelet = new FakeKubelet(cluster, volume);
    settings = OperatorSettings.defaults().withProgressInterval(Duration.ofSeconds(15));
  }

  @AfterEach
  void tearDown() throws Exception {
    kubelet.close();
    cluster.close();
  }

  private TrainingLifecycle lifecycle() {
    return new TrainingLifecycle(
        settings,
        new StageJobs(client),
        new PodLogProgressReader(client),
        new TrainingEvents(client, Clock.systemUTC()),
        Clock.systemUTC());
  }

  private ArrestTraining apply(ArrestTraining training) {
    return client.resource(training).inNamespace(NS).create();
  }

  private ArrestTraining get(String name) {
    return client.resources(ArrestTraining.class).inNamespace(NS).withName(name).get();
  }

  private Optional<Duration> lastRequeue;

  private ArrestTraining reconcile(String name) {
    return reconcile(lifecycle(), name);
  }

  private ArrestTraining reconcile(TrainingLifecycle lifecycle, String name) {
    ArrestTraining training = get(name);
    lastRequeue = lifecycle.reconcile(training);
    return client.resources(ArrestTraining.class).inNamespace(NS).resource(training).updateStatus();
  }

  private List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(NS).list().getItems();
  }

  private Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  private static Condition condition(ArrestTraining training, String type) {
    return Conditions.find(training.getStatus().conditions, type).orElseThrow();
  }

  static String trainingStageResult(Stage stage, int epochs) {
    return new TerminationMessage(
            ResultsJson.API_VERSION,
            TerminationMessage.KIND,
            "t",
            stage,
            StageStatus.SUCCEEDED,
            null,
            12.0,
            epochs,
            new EpochMetrics(
                epochs,
                0.01,
                0.9,
                0.8,
                stage == Stage.FINETUNE ? 0.05 : null,
                null,
                stage == Stage.FINETUNE ? 0.2 : null,
                0.7,
                stage == Stage.FINETUNE ? 0.5 : null,
                512,
                3.0,
                170.0),
            null,
            Map.of("model", stage + "/model.params"))
        .toJson();
  }

  static String evaluationResult() {
    EvaluationResult evaluation =
        new EvaluationResult(
            200,
            0.81,
            0.42,
            List.of(new AttackResult("pgd-5", "pgd", "linf", 0.1, 5, 0.05, 1, 0.42, 1.5)),
            null);
    return new TerminationMessage(
            ResultsJson.API_VERSION,
            TerminationMessage.KIND,
            "t",
            Stage.EVALUATE,
            StageStatus.SUCCEEDED,
            null,
            4.0,
            0,
            null,
            evaluation,
            Map.of())
        .toJson();
  }

  @Test
  void createsThePretrainJobFirstAndReportsPretraining() {
    apply(Trainings.fashionMnist("quick"));

    ArrestTraining training = reconcile("quick");

    assertEquals(
        List.of("quick-pretrain"), jobs().stream().map(j -> j.getMetadata().getName()).toList());
    Job job = job("quick-pretrain");
    assertEquals(
        training.getMetadata().getUid(), job.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    assertEquals(StagePhase.RUNNING, training.getStatus().stages.pretrain.phase);
    assertEquals("quick-pretrain", training.getStatus().stages.pretrain.jobName);
    assertNotNull(training.getStatus().stages.pretrain.startTime);
    assertEquals(StagePhase.PENDING, training.getStatus().stages.finetune.phase);
    assertEquals(training.getMetadata().getGeneration(), training.getStatus().observedGeneration);
    assertEquals("arrest-data", training.getStatus().output.claimName);
    assertEquals(
        "ml/quick/" + training.getMetadata().getUid(),
        training.getStatus().output.path,
        "keyed on the uid: a re-created training starts afresh");
    assertEquals(OperatorSettings.DEFAULT_TRAINER_IMAGE, training.getStatus().trainerImage);
    assertNotNull(training.getStatus().startTime);
    assertEquals("True", condition(training, Conditions.PROGRESSING).getStatus());
    assertEquals("False", condition(training, Conditions.READY).getStatus());
    assertEquals("False", condition(training, Conditions.FAILED).getStatus());
    assertEquals(Optional.of(Duration.ofSeconds(15)), lastRequeue);
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    "StageStarted".equals(e.getReason())
                        && e.getMessage().contains("quick-pretrain")
                        && "Normal".equals(e.getType())));
  }

  @Test
  void runsTheStagesInOrderAndReportsTheResults() {
    apply(Trainings.fashionMnist("quick"));
    reconcile("quick");

    kubelet.finish(job("quick-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    ArrestTraining training = reconcile("quick");
    assertEquals(TrainingPhase.FINETUNING, training.getStatus().phase);
    assertEquals(StagePhase.SUCCEEDED, training.getStatus().stages.pretrain.phase);
    assertEquals(2, training.getStatus().stages.pretrain.epochs);
    assertEquals(0.9, training.getStatus().stages.pretrain.lastEpoch.loss);
    assertEquals(
        Map.of("model", "pretrain/model.params"), training.getStatus().stages.pretrain.artifacts);
    assertNotNull(training.getStatus().stages.pretrain.completionTime);
    assertNotNull(job("quick-finetune"), "finetune starts once pretraining succeeded");
    assertNull(job("quick-evaluate"), "evaluation waits for finetuning");

    kubelet.finish(job("quick-finetune"), 0, trainingStageResult(Stage.FINETUNE, 2));
    training = reconcile("quick");
    assertEquals(TrainingPhase.EVALUATING, training.getStatus().phase);
    assertEquals(0.2, training.getStatus().stages.finetune.lastEpoch.noisyReplayRate);

    kubelet.finish(job("quick-evaluate"), 0, evaluationResult());
    training = reconcile("quick");
    assertEquals(TrainingPhase.SUCCEEDED, training.getStatus().phase);
    assertEquals(0.81, training.getStatus().results.standardAccuracy);
    assertEquals(0.42, training.getStatus().results.robustAccuracy);
    assertEquals(200, training.getStatus().results.samples);
    assertEquals("pgd-5", training.getStatus().results.attacks.get(0).name);
    assertNull(
        training.getStatus().results.tradeoffScore,
        "no tradeoff score unless the evaluation reports one");
    assertEquals("True", condition(training, Conditions.READY).getStatus());
    assertEquals("Succeeded", condition(training, Conditions.READY).getReason());
    assertEquals("False", condition(training, Conditions.PROGRESSING).getStatus());
    assertEquals("done", training.getStatus().progress.summary);
    assertEquals(Optional.empty(), lastRequeue);
    assertEquals(3, jobs().size());
    List<String> reasons = events().stream().map(Event::getReason).toList();
    assertEquals(3, reasons.stream().filter("StageStarted"::equals).count());
    assertEquals(3, reasons.stream().filter("StageSucceeded"::equals).count());
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    "Succeeded".equals(e.getReason())
                        && e.getMessage()
                            .contains("standard accuracy 0.8100, robust accuracy 0.4200")));
  }

  @Test
  void reportsATradeoffScoreOnlyWhenTheEvaluationHasOne() {
    apply(Trainings.fashionMnist("scored"));
    reconcile("scored");
    kubelet.finish(job("scored-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    reconcile("scored");
    kubelet.finish(job("scored-finetune"), 0, trainingStageResult(Stage.FINETUNE, 2));
    reconcile("scored");
    TradeoffScore score =
        new TradeoffScore(
            1.25,
            1.5,
            2.75,
            "cifar10-linf-8255",
            2,
            List.of(TradeoffScore.STANDARD_GAIN_AT_EQUAL_ROBUST),
            List.of("extrapolated"));
    EvaluationResult evaluation =
        new EvaluationResult(
            200,
            0.81,
            0.42,
            List.of(new AttackResult("pgd-5", "pgd", "linf", 0.1, 5, 0.05, 1, 0.42, 1.5)),
            null,
            score);
    kubelet.finish(
        job("scored-evaluate"),
        0,
        new TerminationMessage(
                ResultsJson.API_VERSION,
                TerminationMessage.KIND,
                "scored",
                Stage.EVALUATE,
                StageStatus.SUCCEEDED,
                null,
                4.0,
                0,
                null,
                evaluation,
                Map.of())
            .toJson());

    ArrestTraining training = reconcile("scored");

    assertEquals(
        1.25, training.getStatus().results.tradeoffScore, "the signed distance is the score");
    assertEquals("cifar10-linf-8255", training.getStatus().results.tradeoff.reference);
    assertEquals(1.5, training.getStatus().results.tradeoff.robustGainAtEqualStandard);
    assertEquals(2.75, training.getStatus().results.tradeoff.standardGainAtEqualRobust);
    assertEquals(
        List.of("standardGainAtEqualRobust"), training.getStatus().results.tradeoff.extrapolated);
    assertTrue(
        condition(training, Conditions.READY).getMessage().endsWith("tradeoff score 1.2500"));
  }

  @Test
  void skipsPretrainingWhenACheckpointIsGiven() {
    ArrestTraining training = Trainings.fashionMnist("ckpt");
    training.getSpec().pretraining.checkpoint = "/workspace/models/standard.params";
    apply(training);

    training = reconcile("ckpt");

    assertEquals(StagePhase.SKIPPED, training.getStatus().stages.pretrain.phase);
    assertTrue(
        training.getStatus().stages.pretrain.message.contains("spec.pretraining.checkpoint"));
    assertEquals(
        List.of("ckpt-finetune"), jobs().stream().map(j -> j.getMetadata().getName()).toList());
    assertEquals(TrainingPhase.FINETUNING, training.getStatus().phase);
  }

  @Test
  void skipsPretrainingForMethodsThatTrainFromScratch() {
    ArrestTraining training =
        Trainings.parse(
            Trainings.fashionMnistYaml("madry").replace("method: arrest", "method: at"));
    apply(training);

    training = reconcile("madry");

    assertEquals(StagePhase.SKIPPED, training.getStatus().stages.pretrain.phase);
    assertTrue(training.getStatus().stages.pretrain.message.contains("from scratch"));
    assertNotNull(job("madry-finetune"));
    assertNull(job("madry-pretrain"));
  }

  @Test
  void anInvalidSpecFailsNamingTheFieldAndStartsOnceFixed() {
    ArrestTraining training = Trainings.fashionMnist("cifar");
    training.getSpec().dataset.name =
        dev.arrest.api.v1alpha1.DatasetName.CIFAR10; // no dataset.path
    apply(training);

    training = reconcile("cifar");

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    Condition failed = condition(training, Conditions.FAILED);
    assertEquals("True", failed.getStatus());
    assertEquals("InvalidSpec", failed.getReason());
    assertTrue(
        failed.getMessage().contains("spec.dataset.path: required for cifar10"),
        failed.getMessage());
    assertTrue(jobs().isEmpty());
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    "InvalidSpec".equals(e.getReason())
                        && "Warning".equals(e.getType())
                        && e.getMessage().contains("spec.dataset.path")));

    ArrestTraining fixed = get("cifar");
    fixed.getSpec().dataset.path = "/workspace/datasets/cifar10";
    client.resource(fixed).update();
    training = reconcile("cifar");

    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    assertEquals("False", condition(training, Conditions.FAILED).getStatus());
    assertNotNull(job("cifar-pretrain"));
  }

  @Test
  void aSpecOutsideThePolicyFailsNamingTheRuleAndCreatesNoJob() {
    settings =
        settings.withPolicy(TrainingPolicy.parse("registry.example.com/ml/*", "*", "*", "*"));
    ArrestTraining training = Trainings.fashionMnist("miner");
    training.getSpec().image = "docker.io/attacker/miner:latest";
    apply(training);

    training = reconcile("miner");

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    Condition failed = condition(training, Conditions.FAILED);
    assertEquals("True", failed.getStatus());
    assertEquals("PolicyViolation", failed.getReason());
    assertTrue(
        failed
            .getMessage()
            .startsWith(
                "refused by policy: spec.image: 'docker.io/attacker/miner:latest' is refused by"
                    + " the operator's allow-list policy.allowedImages (flag --allowed-images)"),
        failed.getMessage());
    assertNull(training.getStatus().appliedSpec, "a refused spec is never applied");
    assertTrue(jobs().isEmpty());
    assertEquals(
        1,
        events().stream()
            .filter(e -> "PolicyViolation".equals(e.getReason()) && "Warning".equals(e.getType()))
            .count());

    // Reconciling again reports nothing new; an allowed image starts the training.
    reconcile("miner");
    assertEquals(1, events().stream().filter(e -> "PolicyViolation".equals(e.getReason())).count());
    ArrestTraining fixed = get("miner");
    fixed.getSpec().image = "registry.example.com/ml/arrest-trainer:0.2.0";
    client.resource(fixed).update();
    training = reconcile("miner");
    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    assertEquals(
        "registry.example.com/ml/arrest-trainer:0.2.0",
        job("miner-pretrain").getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }

  @Test
  void aMissingVolumeClaimFailsNamingTheFieldAndTheFlag() {
    ArrestTraining training = Trainings.fashionMnist("novolume");
    training.getSpec().storage.claimName = null;
    apply(training);

    training = reconcile("novolume");

    String message = condition(training, Conditions.FAILED).getMessage();
    assertTrue(
        message.contains("spec.storage.claimName") && message.contains("--default-claim-name"),
        message);

    settings = settings.withDefaultClaimName("shared-data");
    training = reconcile("novolume");
    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    assertEquals(
        "shared-data",
        job("novolume-pretrain")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getVolumes()
            .get(0)
            .getPersistentVolumeClaim()
            .getClaimName());
  }

  @Test
  void aFailingJobFailsTheTrainingWithTheTrainersMessage() {
    apply(Trainings.fashionMnist("broken"));
    reconcile("broken");
    String trainerError =
        new TerminationMessage(
                ResultsJson.API_VERSION,
                TerminationMessage.KIND,
                "broken",
                Stage.PRETRAIN,
                StageStatus.FAILED,
                "cannot read /usr/share/datasets/fashion-mnist: no such directory",
                1.0,
                0,
                null,
                null,
                null)
            .toJson();

    kubelet.finish(job("broken-pretrain"), 1, trainerError);
    ArrestTraining training = reconcile("broken");

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    assertEquals(StagePhase.FAILED, training.getStatus().stages.pretrain.phase);
    Condition failed = condition(training, Conditions.FAILED);
    assertEquals("StageFailed", failed.getReason());
    assertTrue(
        failed.getMessage().contains("pretrain failed (BackoffLimitExceeded): cannot read"),
        failed.getMessage());
    assertEquals("False", condition(training, Conditions.READY).getStatus());
    assertEquals("pretrain failed", training.getStatus().progress.summary);
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    "StageFailed".equals(e.getReason())
                        && "Warning".equals(e.getType())
                        && e.getMessage().contains("no such directory")));
    assertNull(job("broken-finetune"), "nothing runs after a failed stage");

    reconcile("broken");
    assertEquals(1, jobs().size(), "a failed training is final");
  }

  @Test
  void aCrashWithoutResultSurfacesTheLogTail() {
    apply(Trainings.fashionMnist("oom"));
    reconcile("oom");

    kubelet.finish(
        job("oom-pretrain"), 137, "epoch 1 of 2\njava.lang.OutOfMemoryError: Java heap space");
    ArrestTraining training = reconcile("oom");

    assertTrue(condition(training, Conditions.FAILED).getMessage().contains("OutOfMemoryError"));
  }

  @Test
  void anEvaluationWithoutResultsFails() {
    ArrestTraining training = Trainings.fashionMnist("noresult");
    training.getSpec().pretraining.checkpoint = "/workspace/standard.params";
    apply(training);
    reconcile("noresult");
    kubelet.finish(job("noresult-finetune"), 0, trainingStageResult(Stage.FINETUNE, 2));
    reconcile("noresult");

    kubelet.finish(job("noresult-evaluate"), 0, "");
    training = reconcile("noresult");

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    assertEquals("ResultsUnavailable", condition(training, Conditions.FAILED).getReason());
    assertTrue(
        condition(training, Conditions.FAILED)
            .getMessage()
            .contains(
                "ml/noresult/" + training.getMetadata().getUid() + "/evaluate/stage-result.json"));
  }

  @Test
  void aSucceededJobWhosePodIsGoneRunsAgainForItsResult() {
    ArrestTraining training = Trainings.fashionMnist("podgone");
    training.getSpec().pretraining.checkpoint = "/workspace/standard.params";
    apply(training);
    reconcile("podgone");
    kubelet.finish(job("podgone-finetune"), 0, trainingStageResult(Stage.FINETUNE, 2));
    reconcile("podgone");
    kubelet.finish(job("podgone-evaluate"), 0, evaluationResult());
    // The pod, whose termination message holds the result, is deleted before the operator reads it.
    client.pods().inNamespace(NS).withLabel(TrainerLabels.JOB_NAME, "podgone-evaluate").delete();

    training = reconcile("podgone");
    assertEquals(TrainingPhase.EVALUATING, training.getStatus().phase);
    assertEquals(1, training.getStatus().stages.evaluate.attempt);
    assertEquals(1, training.getStatus().stages.evaluate.restarts);
    assertTrue(
        training
            .getStatus()
            .stages
            .evaluate
            .message
            .contains("its pod, which held the result, is gone"),
        training.getStatus().stages.evaluate.message);

    reconcile("podgone");
    kubelet.finish(job("podgone-evaluate-r1"), 0, evaluationResult());
    training = reconcile("podgone");
    assertEquals(TrainingPhase.SUCCEEDED, training.getStatus().phase);
    assertEquals(0.81, training.getStatus().results.standardAccuracy);
  }

  @Test
  void reconcilingAgainChangesNothingAndCreatesNoJob() {
    apply(Trainings.fashionMnist("twice"));
    ArrestTraining first = reconcile("twice");
    int eventsAfterFirst = events().size();

    ArrestTraining second = reconcile("twice");

    assertEquals(1, jobs().size());
    assertEquals(Serialization.asJson(first.getStatus()), Serialization.asJson(second.getStatus()));
    assertEquals(eventsAfterFirst, events().size());
  }

  @Test
  void aJobCreatedBeforeARestartIsAdoptedNotDuplicated() {
    apply(Trainings.fashionMnist("restart"));
    // The first operator created the Job but died before its status update landed.
    lifecycle().reconcile(get("restart"));
    assertNotNull(job("restart-pretrain"));
    assertNull(get("restart").getStatus().phase);

    ArrestTraining training = reconcile(lifecycle(), "restart");

    assertEquals(1, jobs().size());
    assertEquals(StagePhase.RUNNING, training.getStatus().stages.pretrain.phase);
    assertEquals("restart-pretrain", training.getStatus().stages.pretrain.jobName);
  }

  @Test
  void aJobDeletedBeforeItsCreationWasRecordedIsNotCreatedAgainUnderItsName() {
    apply(Trainings.fashionMnist("unrecorded"));
    // The first operator created the Job but died before its status update landed; then the Job
    // was deleted by hand.
    lifecycle().reconcile(get("unrecorded"));
    String uid = job("unrecorded-pretrain").getMetadata().getUid();
    client.batch().v1().jobs().inNamespace(NS).withName("unrecorded-pretrain").delete();

    ArrestTraining training = reconcile(lifecycle(), "unrecorded");
    assertNull(job("unrecorded-pretrain"), "a second Job for attempt 0");
    assertEquals(1, training.getStatus().stages.pretrain.attempt);
    assertEquals(1, training.getStatus().stages.pretrain.restarts);
    assertEquals("StageRestarted", condition(training, Conditions.READY).getReason());

    training = reconcile("unrecorded");
    assertNotNull(job("unrecorded-pretrain-r1"), "the next attempt");
    assertEquals(StagePhase.RUNNING, training.getStatus().stages.pretrain.phase);
    assertEquals(
        List.of("unrecorded-pretrain-r1"),
        jobs().stream().map(j -> j.getMetadata().getName()).toList());
    assertFalse(uid.equals(job("unrecorded-pretrain-r1").getMetadata().getUid()));
  }

  @Test
  void noJobStartsWhilePodsOfADeletedJobOfItsNameStillRun() {
    apply(Trainings.fashionMnist("orphans"));
    // A pod of a Job of the same name that is gone (deleted by hand, its pods not yet), and no
    // trace of the operator having created it.
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("orphans-pretrain-abcde")
                .addToLabels(TrainerLabels.JOB_NAME, "orphans-pretrain")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("trainer")
                .withImage("arrest-trainer:0.1.0")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();

    ArrestTraining training = reconcile("orphans");
    assertEquals(List.of(), jobs(), "a Job whose trainer would meet the running one");
    assertEquals(StagePhase.PENDING, training.getStatus().stages.pretrain.phase);

    client.pods().inNamespace(NS).withName("orphans-pretrain-abcde").delete();
    training = reconcile("orphans");
    assertNotNull(job("orphans-pretrain"));
    assertEquals(StagePhase.RUNNING, training.getStatus().stages.pretrain.phase);
  }

  @Test
  void suspendingStopsAJobWhoseCreationWasNotRecorded() {
    apply(Trainings.fashionMnist("suspend-lost"));
    reconcile("suspend-lost");
    client.batch().v1().jobs().inNamespace(NS).withName("suspend-lost-pretrain").delete();
    ArrestTraining training = reconcile("suspend-lost");
    assertEquals(1, training.getStatus().stages.pretrain.attempt);
    // The pass that created the next attempt's Job did not get its status stored.
    lifecycle().reconcile(get("suspend-lost"));
    assertNotNull(job("suspend-lost-pretrain-r1"));
    assertEquals(StagePhase.PENDING, get("suspend-lost").getStatus().stages.pretrain.phase);

    ArrestTraining suspended = get("suspend-lost");
    suspended.getSpec().suspend = true;
    client.resource(suspended).inNamespace(NS).update();
    training = reconcile("suspend-lost");

    assertEquals(TrainingPhase.SUSPENDED, training.getStatus().phase);
    assertNull(job("suspend-lost-pretrain-r1"), "the Job of the lost write still runs");
    assertEquals(2, training.getStatus().stages.pretrain.attempt);
    assertEquals(StagePhase.PENDING, training.getStatus().stages.pretrain.phase);
  }

  @Test
  void aFinishedStageIsNeverRerunAfterARestart() {
    ArrestTraining training = Trainings.fashionMnist("ttl");
    training.getSpec().runPolicy.ttlSecondsAfterFinished = 0;
    apply(training);
    reconcile("ttl");
    kubelet.finish(job("ttl-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    reconcile("ttl");
    // The finished Job is garbage-collected (TTL), then a new operator process reconciles.
    client.batch().v1().jobs().inNamespace(NS).withName("ttl-pretrain").delete();

    training = reconcile(lifecycle(), "ttl");

    assertNull(job("ttl-pretrain"), "pretraining is not run again");
    assertEquals(StagePhase.SUCCEEDED, training.getStatus().stages.pretrain.phase);
    assertEquals(TrainingPhase.FINETUNING, training.getStatus().phase);
  }

  @Test
  void aJobDeletedWhileRunningIsRestartedAsTheNextAttemptUpToMaxRestarts() {
    ArrestTraining applied = Trainings.fashionMnist("deleted");
    applied.getSpec().runPolicy.maxRestarts = 1;
    apply(applied);
    reconcile("deleted");
    client.batch().v1().jobs().inNamespace(NS).withName("deleted-pretrain").delete();

    ArrestTraining training = reconcile("deleted");
    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    assertEquals(1, training.getStatus().stages.pretrain.restarts);
    assertEquals(1, training.getStatus().stages.pretrain.attempt);
    assertEquals(1, training.getStatus().restarts);
    assertEquals("StageRestarted", condition(training, Conditions.READY).getReason());
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    "StageRestarted".equals(e.getReason())
                        && e.getMessage().contains("deleted-pretrain was deleted")));

    training = reconcile("deleted");
    assertNotNull(job("deleted-pretrain-r1"), "the next attempt, which resumes from checkpoints");
    assertEquals("deleted-pretrain-r1", training.getStatus().stages.pretrain.jobName);
    assertEquals(StagePhase.RUNNING, training.getStatus().stages.pretrain.phase);
    assertFalse(condition(training, Conditions.FAILED).getStatus().equals("True"));

    client.batch().v1().jobs().inNamespace(NS).withName("deleted-pretrain-r1").delete();
    training = reconcile("deleted");
    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    assertEquals("RestartsExhausted", condition(training, Conditions.FAILED).getReason());
    assertTrue(
        condition(training, Conditions.FAILED).getMessage().contains("maxRestarts is 1"),
        condition(training, Conditions.FAILED).getMessage());
  }

  @Test
  void aJobWhoseOutcomeWasJustRecordedIsDeletedInTheNextPassAfterItsTtl() {
    ArrestTraining applied = Trainings.fashionMnist("expiring");
    applied.getSpec().runPolicy.jobTtlSecondsAfterFinished = 0;
    apply(applied);
    reconcile("expiring");
    kubelet.finish(job("expiring-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    reconcile("expiring");
    kubelet.finish(job("expiring-finetune"), 0, trainingStageResult(Stage.FINETUNE, 2));
    reconcile("expiring");
    kubelet.finish(job("expiring-evaluate"), 0, evaluationResult());
    ArrestTraining training = reconcile("expiring");
    assertEquals(TrainingPhase.SUCCEEDED, training.getStatus().phase);
    // The outcome is stored only after this pass: the Job stays, but the next pass must come
    // although the training has finished.
    assertNotNull(job("expiring-evaluate"));
    assertEquals(Optional.of(Duration.ofSeconds(1)), lastRequeue);

    reconcile("expiring");
    assertNull(job("expiring-evaluate"), "deleted once its outcome was stored");
    assertEquals(List.of(), jobs());
    assertEquals(Optional.empty(), lastRequeue, "nothing left to expire");
  }

  @Test
  void aSpecChangeAfterTheStartIsReportedAndNotApplied() {
    apply(Trainings.fashionMnist("frozen"));
    reconcile("frozen");
    ArrestTraining changed = get("frozen");
    changed.getSpec().finetuning.epochs = 50;
    client.resource(changed).update();

    ArrestTraining training = reconcile("frozen");

    Condition specApplied = condition(training, Conditions.SPEC_APPLIED);
    assertEquals("False", specApplied.getStatus());
    assertEquals("SpecChangeIgnored", specApplied.getReason());
    assertEquals(2L, training.getStatus().observedGeneration);
    assertEquals(1L, training.getStatus().appliedGeneration);
    assertEquals(
        1, events().stream().filter(e -> "SpecChangeIgnored".equals(e.getReason())).count());

    kubelet.finish(job("frozen-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    reconcile("frozen");
    String document =
        job("frozen-finetune")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv()
            .get(0)
            .getValue();
    assertEquals(
        2,
        Trainings.parse(document).getSpec().finetuning.epochs,
        "the finetune Job runs the applied spec");
    assertEquals(
        1,
        events().stream().filter(e -> "SpecChangeIgnored".equals(e.getReason())).count(),
        "reported once");

    ArrestTraining reverted = get("frozen");
    reverted.getSpec().finetuning.epochs = 2;
    client.resource(reverted).update();
    training = reconcile("frozen");
    assertEquals("True", condition(training, Conditions.SPEC_APPLIED).getStatus());
    assertTrue(TrainerDocument.sameSpec(training.getSpec(), training.getStatus().appliedSpec));
  }

  @Test
  void readsProgressFromTheRunningPodsLog() {
    apply(Trainings.fashionMnist("live"));
    reconcile("live");
    kubelet.finish(job("live-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    reconcile("live");
    ProgressEvent event =
        new ProgressEvent(
            "live", Stage.FINETUNE, 2, 4, 5, 10, 0.375, 0.93, 0.04, 0.12, 0.61, 850.0, 40.0);
    kubelet.running(job("live-finetune"), "starting\n" + event.toLine() + "\nepoch 2 batch 6\n");

    ArrestTraining training = reconcile("live");

    assertEquals("finetune", training.getStatus().progress.stage);
    assertEquals("finetune 2/4 (38%)", training.getStatus().progress.summary);
    assertEquals(0.12, training.getStatus().progress.noisyReplayRate);
    assertEquals(0.93, training.getStatus().progress.loss);
    assertEquals(40.0, training.getStatus().progress.etaSeconds);
    String updatedAt = training.getStatus().progress.updatedAt;
    assertNotNull(updatedAt);
    assertEquals(
        Optional.of(Duration.ofSeconds(15)),
        lastRequeue,
        "progress is polled while the stage runs");

    ArrestTraining again = reconcile("live");
    assertEquals(
        Serialization.asJson(training.getStatus()),
        Serialization.asJson(again.getStatus()),
        "unchanged progress leaves the status untouched");
  }

  @Test
  void aQueuedJobIsReportedAsQueued() {
    ArrestTraining training = Trainings.fashionMnist("kueue");
    training.getSpec().scheduling.queueName = "gpu-queue";
    apply(training);
    reconcile("kueue");

    training = reconcile("kueue");

    assertTrue(job("kueue-pretrain").getSpec().getSuspend());
    assertEquals("pretrain queued", training.getStatus().progress.summary);
    assertEquals("Queued", condition(training, Conditions.PROGRESSING).getReason());
  }

  @Test
  void waitsWhileAJobOfTheSameNameBelongsToSomethingElse() {
    apply(Trainings.fashionMnist("reused"));
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName("reused-pretrain")
                .addNewOwnerReference()
                .withApiVersion("arrest.dev/v1alpha1")
                .withKind("ArrestTraining")
                .withName("reused")
                .withUid("uid-of-a-deleted-training")
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    ArrestTraining training = reconcile("reused");

    assertEquals("JobNameConflict", condition(training, Conditions.PROGRESSING).getReason());
    assertFalse(training.getStatus().phase.isFinal());
    assertEquals(Optional.of(Duration.ofSeconds(15)), lastRequeue);
  }
}
