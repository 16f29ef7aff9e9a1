package dev.arrest.operator.jobs;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.ContainerResourcesSpec;
import dev.arrest.api.v1alpha1.RunPolicySpec;
import dev.arrest.api.v1alpha1.SchedulingSpec;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the batch/v1 Job of one stage. The Job runs the trainer image's stage command on the
 * shared volume, owned by the ArrestTraining (deleting it deletes the Jobs), under the restricted
 * Pod Security profile and without any Kubernetes API credentials: results leave the pod through
 * its termination message, progress through its log.
 */
public final class StageJobFactory {
  public static final String CONTAINER_NAME = "trainer";
  public static final String VOLUME_NAME = "workspace";
  public static final String WORKSPACE = "/workspace";

  /** A writable emptyDir at /tmp (java.io.tmpdir), so that the root filesystem can be read-only. */
  public static final String TMP_VOLUME_NAME = "tmp";

  public static final String TMP = "/tmp";
  public static final Quantity TMP_SIZE_LIMIT = new Quantity("2Gi");
  public static final String TRAINER_JAR = "/app/arrest.jar";

  /**
   * The trainer image's launcher (bin/arrest of the repository): runs {@link #TRAINER_JAR} offline
   * with jemalloc preloaded, which the trainer needs to avoid a page-fault storm in glibc's malloc.
   */
  public static final String TRAINER_LAUNCHER = "/app/bin/arrest";

  /**
   * The trainer container's command; the trainer image's ENTRYPOINT is the same
   * (trainer-image/Dockerfile).
   */
  public static final List<String> TRAINER_COMMAND = List.of(TRAINER_LAUNCHER);

  public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
  public static final String GPU_RESOURCE = "nvidia.com/gpu";

  /** The stage's GPU request, which the trainer checks against the GPUs it sees. */
  public static final String EXPECTED_GPUS_ENV = "ARREST_EXPECTED_GPUS";

  /** The trainer's intra-op thread count, which the trainer reads (IntraOpThreads). */
  public static final String THREADS_ENV = "ARREST_THREADS";

  public static final Quantity DEFAULT_CPU = new Quantity("1");
  public static final Quantity DEFAULT_MEMORY = new Quantity("4Gi");

  private final OperatorSettings settings;
  private final ServerCapabilities server;

  public StageJobFactory(OperatorSettings settings) {
    this(settings, ServerCapabilities.OLDEST);
  }

  public StageJobFactory(OperatorSettings settings, ServerCapabilities server) {
    this.settings = settings;
    this.server = server;
  }

  /** The trainer image a training runs: its spec.image, else the operator's default. */
  public String trainerImage(ArrestTrainingSpec spec) {
    return spec.image != null && !spec.image.isBlank() ? spec.image : settings.trainerImage();
  }

  /**
   * The Job for {@code stage} of {@code training}, running {@code spec} (the applied spec, which
   * may differ from training.getSpec() after a spec change) and writing to the volume {@code
   * claimName}.
   */
  public Job build(
      ArrestTraining training, ArrestTrainingSpec spec, Stage stage, String claimName) {
    return build(training, spec, StageTarget.of(stage), claimName);
  }

  /**
   * The Job of a stage or of a sweep point's stage. A point's Job gets the whole sweep document, as
   * the pretrain Job does, plus {@code --point <id>}: the trainer selects the point itself and
   * writes under its points/ directory.
   */
  public Job build(
      ArrestTraining training, ArrestTrainingSpec spec, StageTarget target, String claimName) {
    return build(training, spec, target, claimName, JobRun.first(trainerImage(spec)));
  }

  /**
   * The Job of one attempt of a stage: {@code run} says which attempt, which trainer image (the one
   * recorded at the training's first Job) and how much of the run's deadline is left.
   */
  public Job build(
      ArrestTraining training,
      ArrestTrainingSpec spec,
      StageTarget target,
      String claimName,
      JobRun run) {
    Stage stage = target.stage();
    Integer point = target.point() == null ? null : target.point().id();
    String name = training.getMetadata().getName();
    Map<String, String> labels = TrainerLabels.of(name, stage, point);
    labels.put(TrainerLabels.ATTEMPT, Integer.toString(run.attempt()));
    Map<String, String> jobLabels = new LinkedHashMap<>(labels);
    SchedulingSpec scheduling = spec.scheduling != null ? spec.scheduling : new SchedulingSpec();
    boolean queued = scheduling.queueName != null && !scheduling.queueName.isBlank();
    if (queued) {
      jobLabels.put(TrainerLabels.KUEUE_QUEUE, scheduling.queueName);
    }
    RunPolicySpec runPolicy = spec.runPolicy != null ? spec.runPolicy : new RunPolicySpec();
    return new JobBuilder()
        .withNewMetadata()
        .withName(target.jobName(name, run.attempt()))
        .withNamespace(training.getMetadata().getNamespace())
        .withLabels(jobLabels)
        .withAnnotations(
            target.point() == null
                ? null
                : Map.of(TrainerLabels.POINT_LABEL, target.point().label()))
        .withOwnerReferences(ownerReference(training))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(runPolicy.backoffLimit)
        // The run's deadline, enforced by the Job controller too so that it holds while the
        // operator is down; the operator deletes finished Jobs itself (no ttlSecondsAfterFinished),
        // after it has recorded their outcome.
        .withActiveDeadlineSeconds(run.activeDeadlineSeconds())
        .withPodFailurePolicy(server.podFailurePolicy() ? PodFailurePolicies.stage() : null)
        .withPodReplacementPolicy(server.podReplacementPolicy() ? "Failed" : null)
        // Kueue admits a Job by unsuspending it; created unsuspended it could start before
        // admission.
        .withSuspend(queued ? Boolean.TRUE : null)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(podSpec(training, spec, target, claimName, scheduling, run.image()))
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The artifact directory of a training inside the container: {@code
   * /workspace/<namespace>/<name>}.
   */
  public static String outputDirectory(ArrestTraining training) {
    return WORKSPACE + "/" + outputKey(training);
  }

  /**
   * {@code <namespace>/<name>/<uid>}: keyed on the uid, so that a training deleted and created
   * again under the same name starts afresh instead of finding the old run's checkpoints.
   */
  private static String outputKey(ArrestTraining training) {
    String key = training.getMetadata().getNamespace() + "/" + training.getMetadata().getName();
    String uid = training.getMetadata().getUid();
    return uid == null || uid.isBlank() ? key : key + "/" + uid;
  }

  /** The same directory relative to the claim's root, as shown in status.output.path. */
  public static String outputPathInClaim(ArrestTraining training, ArrestTrainingSpec spec) {
    String relative = outputKey(training);
    String subPath = spec.storage == null ? null : spec.storage.subPath;
    return subPath == null || subPath.isBlank()
        ? relative
        : subPath.replaceAll("/+$", "") + "/" + relative;
  }

  private PodSpec podSpec(
      ArrestTraining training,
      ArrestTrainingSpec spec,
      StageTarget target,
      String claimName,
      SchedulingSpec scheduling,
      String image) {
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(settings.trainerUserId())
        .withRunAsGroup(settings.trainerUserId())
        .withFsGroup(settings.trainerUserId())
        .withFsGroupChangePolicy("OnRootMismatch")
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withNodeSelector(scheduling.nodeSelector)
        .withTolerations(scheduling.tolerations)
        .withAffinity(scheduling.affinity)
        .withPriorityClassName(scheduling.priorityClassName)
        .withContainers(container(training, spec, target, image))
        .addNewVolume()
        .withName(VOLUME_NAME)
        .withNewPersistentVolumeClaim()
        .withClaimName(claimName)
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName(TMP_VOLUME_NAME)
        .withNewEmptyDir()
        .withSizeLimit(TMP_SIZE_LIMIT)
        .endEmptyDir()
        .endVolume()
        .build();
  }

  private Container container(
      ArrestTraining training, ArrestTrainingSpec spec, StageTarget target, String image) {
    Stage stage = target.stage();
    String subPath =
        spec.storage == null || spec.storage.subPath == null || spec.storage.subPath.isBlank()
            ? null
            : spec.storage.subPath;
    return new ContainerBuilder()
        .withName(CONTAINER_NAME)
        .withImage(image)
        .withImagePullPolicy(spec.imagePullPolicy != null ? spec.imagePullPolicy.toString() : null)
        .withCommand(TRAINER_COMMAND)
        .withArgs(
            "stage",
            stage.toString(),
            "--output",
            outputDirectory(training),
            "--termination-message-path",
            TERMINATION_MESSAGE_PATH)
        .addAllToArgs(
            target.point() == null
                ? List.of()
                : List.of("--point", Integer.toString(target.point().id())))
        .addNewEnv()
        .withName(TrainerDocument.ENV_VAR)
        .withValue(TrainerDocument.json(training, spec))
        .endEnv()
        .addAllToEnv(gpuEnvironment(resourcesOf(spec, stage).gpus))
        .addToEnv(threadsEnvironment())
        .withResources(resources(resourcesOf(spec, stage)))
        .withTerminationMessagePath(TERMINATION_MESSAGE_PATH)
        // A trainer that dies before writing its result (e.g. OOM-killed JVM) still leaves its last
        // log lines.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withVolumeMounts(
            new VolumeMountBuilder()
                .withName(VOLUME_NAME)
                .withMountPath(WORKSPACE)
                .withSubPath(subPath)
                .build(),
            new VolumeMountBuilder().withName(TMP_VOLUME_NAME).withMountPath(TMP).build())
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withReadOnlyRootFilesystem(settings.trainerReadOnlyRootFilesystem())
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .build();
  }

  private static ContainerResourcesSpec resourcesOf(ArrestTrainingSpec spec, Stage stage) {
    if (spec.resources == null) {
      return new ContainerResourcesSpec();
    }
    ContainerResourcesSpec resources =
        switch (stage) {
          case PRETRAIN -> spec.resources.pretrain;
          case FINETUNE -> spec.resources.finetune;
          case EVALUATE -> spec.resources.evaluate;
        };
    return resources != null ? resources : new ContainerResourcesSpec();
  }

  /**
   * The trainer uses every GPU it sees, so the pod must see exactly the requested ones: the
   * requested count, which the trainer checks; and without a GPU request no GPU at all, even where
   * the container runtime would expose every GPU of the node to a pod without a limit (the NVIDIA
   * runtime then mounts none, and CUDA in the trainer enumerates none).
   */
  static List<EnvVar> gpuEnvironment(int gpus) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar(EXPECTED_GPUS_ENV, Integer.toString(gpus), null));
    if (gpus == 0) {
      env.add(new EnvVar("NVIDIA_VISIBLE_DEVICES", "void", null));
      env.add(new EnvVar("CUDA_VISIBLE_DEVICES", "", null));
    }
    return env;
  }

  /**
   * The trainer's thread count is the container's CPU request, rounded up to whole cores by the
   * downward API (so it stays right when a LimitRange or webhook changes the request). Left to
   * itself the trainer would use every processor the JVM sees, which in a pod without a CPU limit
   * is every core of the node: trainers sharing a node would each start a thread per core and slow
   * one another down several-fold (docs/benchmarks.md).
   */
  static EnvVar threadsEnvironment() {
    return new EnvVarBuilder()
        .withName(THREADS_ENV)
        .withNewValueFrom()
        .withNewResourceFieldRef()
        .withContainerName(CONTAINER_NAME)
        .withResource("requests.cpu")
        .withDivisor(new Quantity("1"))
        .endResourceFieldRef()
        .endValueFrom()
        .build();
  }

  /**
   * CPU and memory requests, the memory request also as limit (no CPU limit: throttling only slows
   * training).
   */
  static ResourceRequirements resources(ContainerResourcesSpec spec) {
    Quantity cpu = spec.cpu != null ? spec.cpu : DEFAULT_CPU;
    Quantity memory = spec.memory != null ? spec.memory : DEFAULT_MEMORY;
    Map<String, Quantity> requests = new LinkedHashMap<>(Map.of("cpu", cpu, "memory", memory));
    Map<String, Quantity> limits = new LinkedHashMap<>(Map.of("memory", memory));
    if (spec.gpus > 0) {
      // Extended resources need request == limit; setting the limit alone implies the request.
      limits.put(GPU_RESOURCE, new Quantity(Integer.toString(spec.gpus)));
    }
    return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
  }

  private static OwnerReference ownerReference(ArrestTraining training) {
    return new OwnerReferenceBuilder()
        .withApiVersion(ArrestTraining.API_VERSION)
        .withKind("ArrestTraining")
        .withName(training.getMetadata().getName())
        .withUid(training.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
