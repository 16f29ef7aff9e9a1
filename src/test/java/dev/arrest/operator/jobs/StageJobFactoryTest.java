package dev.arrest.operator.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SweepPoint;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ImagePullPolicy;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.testing.LocalContainer;
import dev.arrest.operator.testing.Trainings;
import dev.arrest.results.ExitCodes;
import dev.arrest.results.Stage;
import dev.arrest.trainer.engine.IntraOpThreads;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageJobFactoryTest {
  private final StageJobFactory factory = new StageJobFactory(OperatorSettings.defaults());

  private static ArrestTraining training(String name) {
    ArrestTraining training = Trainings.fashionMnist(name);
    training.getMetadata().setUid("0b7a2c1e-uid");
    return training;
  }

  private static Container container(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void runsTheTrainerStageCommandOnTheSharedVolume() {
    ArrestTraining training = training("quick");
    Job job = factory.build(training, training.getSpec(), Stage.FINETUNE, "arrest-data");

    Container container = container(job);
    assertEquals("quick-finetune", job.getMetadata().getName());
    assertEquals("ml", job.getMetadata().getNamespace());
    assertEquals(List.of("/app/bin/arrest"), container.getCommand());
    assertEquals(
        List.of(
            "stage",
            "finetune",
            "--output",
            "/workspace/ml/quick/0b7a2c1e-uid",
            "--termination-message-path",
            "/dev/termination-log"),
        container.getArgs());
    assertEquals(OperatorSettings.DEFAULT_TRAINER_IMAGE, container.getImage());
    assertEquals("IfNotPresent", container.getImagePullPolicy());
    assertEquals("/workspace", container.getVolumeMounts().get(0).getMountPath());
    assertNull(container.getVolumeMounts().get(0).getSubPath());
    assertEquals(
        "arrest-data",
        job.getSpec()
            .getTemplate()
            .getSpec()
            .getVolumes()
            .get(0)
            .getPersistentVolumeClaim()
            .getClaimName());
    assertEquals("FallbackToLogsOnError", container.getTerminationMessagePolicy());
    assertEquals("/dev/termination-log", container.getTerminationMessagePath());
  }

  @Test
  void theEnvironmentCarriesTheTrainingDocumentTheTrainerReads() {
    ArrestTraining training = training("quick");
    Job job = factory.build(training, training.getSpec(), Stage.PRETRAIN, "arrest-data");

    var env = container(job).getEnv();
    assertEquals("ARREST_TRAINING", env.get(0).getName());
    ArrestTraining document =
        ArrestTrainingDocuments.parse(env.get(0).getValue(), "ARREST_TRAINING");
    assertEquals("quick", document.getMetadata().getName());
    assertEquals("ml", document.getMetadata().getNamespace());
    assertEquals(2, document.getSpec().finetuning.epochs);
    assertEquals("arrest-data", document.getSpec().storage.claimName);
  }

  @Test
  void thePodSeesExactlyTheRequestedGpusAndTheTrainerChecksTheCount() {
    ArrestTraining training = training("gpu");
    training.getSpec().resources.finetune.gpus = 2;

    Map<String, String> finetune =
        environment(factory.build(training, training.getSpec(), Stage.FINETUNE, "arrest-data"));
    Map<String, String> evaluate =
        environment(factory.build(training, training.getSpec(), Stage.EVALUATE, "arrest-data"));

    assertEquals("2", finetune.get("ARREST_EXPECTED_GPUS"));
    assertFalse(finetune.containsKey("NVIDIA_VISIBLE_DEVICES"), "left to the device plugin");
    assertFalse(finetune.containsKey("CUDA_VISIBLE_DEVICES"), "left to the device plugin");
    assertEquals("0", evaluate.get("ARREST_EXPECTED_GPUS"));
    assertEquals("void", evaluate.get("NVIDIA_VISIBLE_DEVICES"));
    assertEquals("", evaluate.get("CUDA_VISIBLE_DEVICES"));
  }

  @Test
  void theTrainersThreadsAreItsCpuRequestRoundedUpToWholeCores() {
    ArrestTraining training = training("threads");
    training.getSpec().resources.finetune.cpu = new Quantity("1500m");

    Job job = factory.build(training, training.getSpec(), Stage.FINETUNE, "arrest-data");
    EnvVar threads =
        container(job).getEnv().stream()
            .filter(e -> e.getName().equals(StageJobFactory.THREADS_ENV))
            .findFirst()
            .orElseThrow();

    assertEquals(IntraOpThreads.ENVIRONMENT_VARIABLE, StageJobFactory.THREADS_ENV);
    ResourceFieldSelector field = threads.getValueFrom().getResourceFieldRef();
    assertEquals("requests.cpu", field.getResource());
    assertEquals(StageJobFactory.CONTAINER_NAME, field.getContainerName());
    assertEquals("2", LocalContainer.resourceValue(container(job), field), "as a kubelet rounds");
    Job evaluate = factory.build(training, training.getSpec(), Stage.EVALUATE, "arrest-data");
    assertEquals(
        "1",
        LocalContainer.resourceValue(container(evaluate), field),
        "the default request, " + StageJobFactory.DEFAULT_CPU);
  }

  private static Map<String, String> environment(Job job) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    container(job).getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  @Test
  void isOwnedLabelledAndRestricted() {
    ArrestTraining training = training("quick");
    Job job = factory.build(training, training.getSpec(), Stage.EVALUATE, "arrest-data");

    var owner = job.getMetadata().getOwnerReferences().get(0);
    assertEquals("ArrestTraining", owner.getKind());
    assertEquals("0b7a2c1e-uid", owner.getUid());
    assertTrue(owner.getController());
    Map<String, String> labels = job.getMetadata().getLabels();
    assertEquals("quick", labels.get("arrest.dev/training"));
    assertEquals("evaluate", labels.get("arrest.dev/stage"));
    assertEquals("arrest-operator", labels.get("app.kubernetes.io/managed-by"));
    assertEquals("arrest-trainer", labels.get("app.kubernetes.io/name"));
    assertFalse(labels.containsKey("kueue.x-k8s.io/queue-name"));
    assertEquals(
        "evaluate", job.getSpec().getTemplate().getMetadata().getLabels().get("arrest.dev/stage"));

    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals("Never", pod.getRestartPolicy());
    assertFalse(pod.getAutomountServiceAccountToken());
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertEquals(1000L, pod.getSecurityContext().getRunAsUser());
    var containerSecurity = container(job).getSecurityContext();
    assertFalse(containerSecurity.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), containerSecurity.getCapabilities().getDrop());
    assertTrue(containerSecurity.getReadOnlyRootFilesystem());
    assertEquals(1, job.getSpec().getBackoffLimit());
    assertNull(job.getSpec().getSuspend());
  }

  @Test
  void theRootFilesystemIsReadOnlyWithAWritableTmpUnlessTheOperatorSaysOtherwise() {
    ArrestTraining training = training("quick");
    Job job = factory.build(training, training.getSpec(), Stage.FINETUNE, "arrest-data");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    var tmp =
        pod.getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow();
    assertEquals("2Gi", tmp.getEmptyDir().getSizeLimit().toString());
    assertTrue(
        container(job).getVolumeMounts().stream()
            .anyMatch(
                m ->
                    m.getName().equals("tmp")
                        && m.getMountPath().equals("/tmp")
                        && !Boolean.TRUE.equals(m.getReadOnly())));
    assertEquals(List.of("/app/bin/arrest"), container(job).getCommand());

    Job writable =
        new StageJobFactory(OperatorSettings.defaults().withTrainerReadOnlyRootFilesystem(false))
            .build(training, training.getSpec(), Stage.FINETUNE, "arrest-data");
    assertFalse(container(writable).getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(container(writable).getSecurityContext().getAllowPrivilegeEscalation());
  }

  @Test
  void requestsCpuAndMemoryAndLimitsGpusPerStage() {
    ArrestTraining training = training("gpu");
    training.getSpec().resources.finetune.gpus = 2;
    training.getSpec().resources.finetune.cpu = new Quantity("8");
    training.getSpec().resources.finetune.memory = new Quantity("32Gi");

    var finetune =
        container(factory.build(training, training.getSpec(), Stage.FINETUNE, "c")).getResources();
    assertEquals(new Quantity("8"), finetune.getRequests().get("cpu"));
    assertEquals(new Quantity("32Gi"), finetune.getRequests().get("memory"));
    assertEquals(new Quantity("32Gi"), finetune.getLimits().get("memory"));
    assertEquals(new Quantity("2"), finetune.getLimits().get("nvidia.com/gpu"));
    assertFalse(finetune.getLimits().containsKey("cpu"), "no CPU limit");

    var evaluate =
        container(factory.build(training, training.getSpec(), Stage.EVALUATE, "c")).getResources();
    assertFalse(evaluate.getLimits().containsKey("nvidia.com/gpu"), "gpus: 0 requests no GPU");
    assertEquals(StageJobFactory.DEFAULT_CPU, evaluate.getRequests().get("cpu"));
    assertEquals(StageJobFactory.DEFAULT_MEMORY, evaluate.getRequests().get("memory"));
  }

  @Test
  void appliesSchedulingStorageAndRunPolicy() {
    ArrestTraining training = training("platform");
    var spec = training.getSpec();
    spec.image = "registry.example/arrest-trainer:1.2";
    spec.imagePullPolicy = ImagePullPolicy.ALWAYS;
    spec.scheduling.nodeSelector = Map.of("gpu", "a100");
    spec.scheduling.tolerations =
        List.of(
            new TolerationBuilder()
                .withKey("nvidia.com/gpu")
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build());
    spec.scheduling.priorityClassName = "research";
    spec.scheduling.queueName = "team-a";
    spec.storage.subPath = "experiments";
    spec.runPolicy.backoffLimit = 3;

    Job job =
        factory.build(
            training,
            spec,
            StageTarget.of(Stage.PRETRAIN),
            "shared",
            new JobRun(2, "registry.example/arrest-trainer:1.2", 7200L));

    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals("registry.example/arrest-trainer:1.2", container(job).getImage());
    assertEquals("Always", container(job).getImagePullPolicy());
    assertEquals(Map.of("gpu", "a100"), pod.getNodeSelector());
    assertEquals("nvidia.com/gpu", pod.getTolerations().get(0).getKey());
    assertEquals("research", pod.getPriorityClassName());
    assertEquals("team-a", job.getMetadata().getLabels().get("kueue.x-k8s.io/queue-name"));
    assertTrue(job.getSpec().getSuspend(), "Kueue admits the Job by unsuspending it");
    assertEquals("experiments", container(job).getVolumeMounts().get(0).getSubPath());
    assertEquals(3, job.getSpec().getBackoffLimit());
    assertEquals(7200L, job.getSpec().getActiveDeadlineSeconds(), "the run's time left");
    assertNull(
        job.getSpec().getTtlSecondsAfterFinished(),
        "the operator deletes finished Jobs itself, once their outcome is recorded");
    assertEquals("platform-pretrain-r2", job.getMetadata().getName());
    assertEquals("2", job.getMetadata().getLabels().get(TrainerLabels.ATTEMPT));
    assertEquals(
        "experiments/ml/platform/" + training.getMetadata().getUid(),
        StageJobFactory.outputPathInClaim(training, spec));
  }

  @Test
  void podFailureAndReplacementPoliciesOnlyOnServersThatHaveThem() {
    ArrestTraining training = training("policies");
    Job old =
        new StageJobFactory(OperatorSettings.defaults(), ServerCapabilities.of(1, 20))
            .build(training, training.getSpec(), Stage.PRETRAIN, "c");
    assertNull(old.getSpec().getPodFailurePolicy(), "1.20 would drop the field silently");
    assertNull(old.getSpec().getPodReplacementPolicy());

    Job current =
        new StageJobFactory(OperatorSettings.defaults(), ServerCapabilities.of(1, 30))
            .build(training, training.getSpec(), Stage.PRETRAIN, "c");
    var rules = current.getSpec().getPodFailurePolicy().getRules();
    assertEquals("FailJob", rules.get(0).getAction());
    assertEquals(List.of(ExitCodes.INVALID_SPEC), rules.get(0).getOnExitCodes().getValues());
    assertEquals("trainer", rules.get(0).getOnExitCodes().getContainerName());
    assertEquals("FailJob", rules.get(1).getAction());
    assertEquals("DisruptionTarget", rules.get(1).getOnPodConditions().get(0).getType());
    assertEquals("Failed", current.getSpec().getPodReplacementPolicy());

    assertTrue(ServerCapabilities.of(1, 20).fallbacks().size() == 2);
    assertTrue(ServerCapabilities.of(1, 29).fallbacks().isEmpty());
    assertEquals(
        java.util.Optional.of(String.join("; ", ServerCapabilities.of(1, 20).fallbacks())),
        ServerCapabilities.of(1, 20).fallbackSummary(),
        "one Event per training says it all");
    assertTrue(ServerCapabilities.of(1, 29).fallbackSummary().isEmpty());
    assertEquals(
        ServerCapabilities.of(1, 27),
        ServerCapabilities.of(new VersionInfo.Builder().withMajor("1").withMinor("27+").build()));
  }

  @Test
  void longNamesAreShortenedWithAHashToFitJobAndLabelLimits() {
    String name =
        "a-very-long-arrest-training-name-for-a-wide-resnet-34-10-on-cifar100-with-many-epochs";
    ArrestTraining training = training(name);

    Job job = factory.build(training, training.getSpec(), Stage.PRETRAIN, "c");

    String jobName = job.getMetadata().getName();
    assertTrue(jobName.length() <= 52, jobName);
    assertTrue(jobName.endsWith("-pretrain"), jobName);
    assertTrue(job.getMetadata().getLabels().values().stream().allMatch(v -> v.length() <= 63));
    assertEquals(jobName, StageJobNames.of(name, Stage.PRETRAIN), "deterministic");
    String other = StageJobNames.of(name.replace("many", "more"), Stage.PRETRAIN);
    assertFalse(jobName.equals(other), "different long names with a common prefix stay distinct");
    assertEquals("short-finetune", StageJobNames.of("short", Stage.FINETUNE));
  }

  @Test
  void aSweepPointsJobRunsItsStageWithPointAndIsLabelledWithIt() {
    ArrestTraining training = Trainings.phiSweep("phi");
    training.getMetadata().setUid("0b7a2c1e-uid");
    SweepPoint point = SweepPoints.point(training, 2);

    Job job =
        factory.build(
            training, training.getSpec(), StageTarget.ofPoint(Stage.EVALUATE, point), "c");

    assertEquals("phi-p02-evaluate", job.getMetadata().getName());
    assertEquals(
        List.of(
            "stage",
            "evaluate",
            "--output",
            "/workspace/ml/phi/0b7a2c1e-uid",
            "--termination-message-path",
            "/dev/termination-log",
            "--point",
            "2"),
        container(job).getArgs());
    assertEquals("2", job.getMetadata().getLabels().get(TrainerLabels.POINT));
    assertEquals(
        "2",
        job.getSpec().getTemplate().getMetadata().getLabels().get(TrainerLabels.POINT),
        "pods too, for kubectl logs -l arrest.dev/point=2");
    assertEquals("evaluate", job.getMetadata().getLabels().get(TrainerLabels.STAGE));
    assertEquals(
        "arrest phi=45", job.getMetadata().getAnnotations().get(TrainerLabels.POINT_LABEL));
    ArrestTraining document =
        ArrestTrainingDocuments.parse(container(job).getEnv().get(0).getValue(), "env");
    assertEquals(
        List.of(20.0, 30.0, 45.0),
        document.getSpec().sweep.noisyReplayThresholdDegrees,
        "the trainer gets the whole sweep and selects the point itself");

    Job pretrain = factory.build(training, training.getSpec(), Stage.PRETRAIN, "c");
    assertEquals("phi-pretrain", pretrain.getMetadata().getName());
    assertFalse(container(pretrain).getArgs().contains("--point"), "pretraining is shared");
    assertNull(pretrain.getMetadata().getLabels().get(TrainerLabels.POINT));
  }

  @Test
  void longNamesOfPointJobsKeepTheirPointAndStage() {
    String name =
        "a-very-long-arrest-training-name-for-a-wide-resnet-34-10-on-cifar100-with-many-epochs";

    String jobName = StageJobNames.of(name, Stage.FINETUNE, 63);

    assertTrue(jobName.length() <= 52, jobName);
    assertTrue(jobName.endsWith("-p63-finetune"), jobName);
    assertFalse(jobName.equals(StageJobNames.of(name, Stage.FINETUNE, 6)));
    assertEquals("phi-p07-finetune", StageJobNames.of("phi", Stage.FINETUNE, 7));
  }
}
