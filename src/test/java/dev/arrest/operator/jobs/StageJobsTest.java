package dev.arrest.operator.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.StageStatuses;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.testing.FakeCluster;
import dev.arrest.operator.testing.FakeKubelet;
import dev.arrest.operator.testing.Trainings;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StageJobs with a cache: what it reads from the cache, and when it asks the API server anyway (a
 * cache that lags behind must neither lose a Job nor a stage's result).
 */
class StageJobsTest {
  private static final String NS = "ml";
  private static final String AGENT = "stage-jobs-under-test";

  @TempDir Path volume;

  private FakeCluster cluster;
  private KubernetesClient admin;
  private KubernetesClient operatorClient;
  private FakeKubelet kubelet;
  private final MapCache cache = new MapCache();
  private StageJobs jobs;
  private final ArrestTraining training = training();
  private final StageJobFactory factory = new StageJobFactory(OperatorSettings.defaults());

  /** A cache holding what the test puts in, as an informer that has or has not caught up. */
  private static final class MapCache implements StageJobCache {
    final Map<String, Job> jobs = new HashMap<>();
    final Map<String, List<Pod>> pods = new HashMap<>();
    final List<Job> created = new ArrayList<>();
    final Map<String, List<Event>> failedCreates = new HashMap<>();

    @Override
    public Optional<Job> job(String namespace, String name) {
      return Optional.ofNullable(jobs.get(namespace + "/" + name));
    }

    @Override
    public List<Pod> pods(String namespace, String jobName) {
      return pods.getOrDefault(namespace + "/" + jobName, List.of());
    }

    @Override
    public List<Event> failedCreateEvents(String namespace, String jobName) {
      return failedCreates.getOrDefault(namespace + "/" + jobName, List.of());
    }

    @Override
    public void created(Job job) {
      created.add(job);
      put(job);
    }

    void put(Job job) {
      jobs.put(job.getMetadata().getNamespace() + "/" + job.getMetadata().getName(), job);
    }
  }

  @BeforeEach
  void setUp() {
    cluster = new FakeCluster();
    admin = cluster.client();
    operatorClient = cluster.newClient(AGENT);
    kubelet = new FakeKubelet(cluster, volume);
    jobs = new StageJobs(operatorClient, cache);
  }

  @AfterEach
  void tearDown() throws Exception {
    kubelet.close();
    operatorClient.close();
    cluster.close();
  }

  private static ArrestTraining training() {
    ArrestTraining training = Trainings.fashionMnist("quick");
    training.getMetadata().setNamespace(NS);
    training.getMetadata().setUid("training-uid");
    training.setStatus(new ArrestTrainingStatus());
    training.getStatus().stages = new StageStatuses();
    return training;
  }

  /** The finetune Job as it exists on the API server (created by the admin, not by StageJobs). */
  private Job existingJob() {
    return admin
        .batch()
        .v1()
        .jobs()
        .resource(factory.build(training, training.getSpec(), Stage.FINETUNE, "arrest-data"))
        .create();
  }

  private void statusNamesTheJob() {
    TrainingStageStatus finetune = new TrainingStageStatus();
    finetune.phase = StagePhase.RUNNING;
    finetune.jobName = StageJobNames.of("quick", Stage.FINETUNE, null);
    training.getStatus().stages.finetune = finetune;
  }

  private List<String> requests() {
    return cluster.requests(AGENT);
  }

  @Test
  void aCachedJobIsFoundWithoutARequest() {
    cache.put(CachedObjects.job(existingJob()));

    assertTrue(jobs.find(training, Stage.FINETUNE).isPresent());
    assertEquals(List.of(), requests());
  }

  @Test
  void aJobsFailedCreateEventsComeFromTheCacheWithoutARequest() {
    Job job = existingJob();
    Event ours = failedCreate(job, job.getMetadata().getUid(), "exceeded quota: gpu-quota");
    Event earlierJobOfTheName = failedCreate(job, "uid-of-a-deleted-job", "an older refusal");
    cache.failedCreates.put(
        NS + "/" + job.getMetadata().getName(),
        List.of(CachedObjects.event(ours), CachedObjects.event(earlierJobOfTheName)));

    assertEquals(
        List.of("exceeded quota: gpu-quota"),
        jobs.failedCreateEvents(job).stream().map(Event::getMessage).toList());
    assertEquals(List.of(), requests());
  }

  private static Event failedCreate(Job job, String uid, String message) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName() + "." + uid)
        .withNamespace(NS)
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("Job")
        .withNamespace(NS)
        .withName(job.getMetadata().getName())
        .withUid(uid)
        .endInvolvedObject()
        .withType("Warning")
        .withReason(StageJobs.FAILED_CREATE)
        .withMessage(message)
        .build();
  }

  @Test
  void aJobNeitherCachedNorNamedByTheStatusDoesNotExist() {
    assertEquals(Optional.empty(), jobs.find(training, Stage.FINETUNE));
    assertEquals(List.of(), requests());
  }

  @Test
  void aJobTheStatusNamesButTheCacheLacksIsLookedUp() {
    Job job = existingJob();
    statusNamesTheJob();

    assertEquals(
        job.getMetadata().getUid(),
        jobs.find(training, Stage.FINETUNE).orElseThrow().getMetadata().getUid());
    assertEquals(
        List.of("GET /apis/batch/v1/namespaces/ml/jobs/" + job.getMetadata().getName()),
        requests());
  }

  @Test
  void aJobTheStatusNamesThatIsGoneIsMissing() {
    statusNamesTheJob();

    assertEquals(Optional.empty(), jobs.find(training, Stage.FINETUNE));
    assertEquals(1, requests().size(), "one GET: " + requests());
  }

  @Test
  void aCreatedJobIsInTheCacheAtOnce() {
    Job created =
        jobs.create(factory.build(training, training.getSpec(), Stage.FINETUNE, "arrest-data"));

    assertEquals(List.of(created), cache.created);
    assertTrue(jobs.find(training, Stage.FINETUNE).isPresent());
    assertEquals(1, requests().size(), "only the create: " + requests());
  }

  @Test
  void creatingAJobThatExistsAdoptsIt() {
    Job existing = existingJob();

    Job adopted =
        jobs.create(factory.build(training, training.getSpec(), Stage.FINETUNE, "arrest-data"));

    assertEquals(existing.getMetadata().getUid(), adopted.getMetadata().getUid());
    assertEquals(List.of(adopted), cache.created);
  }

  @Test
  void theResultComesFromTheCachedPods() {
    Job job = existingJob();
    kubelet.finish(job, 0, "{\"status\":\"Succeeded\"}");
    cachePodsOf(job);

    Optional<PodTermination> termination = jobs.termination(job, true);

    assertEquals(0, termination.orElseThrow().exitCode());
    assertEquals(List.of(), requests());
  }

  @Test
  void theResultIsListedWhenThePodCacheLagsBehindTheJob() {
    Job job = existingJob();
    kubelet.finish(job, 0, "{\"status\":\"Succeeded\"}");
    // The informer has not delivered the pod yet, although the Job controller counted it.

    Optional<PodTermination> termination = jobs.termination(job, true);

    assertEquals(0, termination.orElseThrow().exitCode());
    assertEquals(1, requests().size(), "one pod LIST: " + requests());
    assertTrue(requests().get(0).startsWith("GET /api/v1/namespaces/ml/pods?"), requests().get(0));
  }

  @Test
  void theRunningPodComesFromTheCache() {
    Job job = existingJob();
    Pod running = kubelet.running(job, "");
    cachePodsOf(job);

    assertEquals(
        running.getMetadata().getName(),
        jobs.runningPod(job).orElseThrow().getMetadata().getName());
    assertEquals(List.of(), requests());
  }

  private void cachePodsOf(Job job) {
    cache.pods.put(
        NS + "/" + job.getMetadata().getName(),
        admin
            .pods()
            .inNamespace(NS)
            .withLabel(TrainerLabels.JOB_NAME, job.getMetadata().getName())
            .list()
            .getItems()
            .stream()
            .map(CachedObjects::pod)
            .toList());
  }
}
