package dev.arrest.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.testing.CheckpointingStandInTrainer;
import dev.arrest.operator.testing.CheckpointingStandInTrainer.Run;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault-injection campaign of issue #12, on the real API server and controller-manager with the
 * node stand-in (two nodes): 20 trainings at once of a stand-in trainer that checkpoints every
 * epoch and resumes ({@link CheckpointingStandInTrainer}); the operator SIGKILLed 10 times and
 * restarted, 5 Jobs and 5 pods deleted by hand while their trainer runs, one node lost with its
 * pods, one training whose image cannot be pulled and one no node can take. Expected: the 18
 * healthy trainings succeed with the results of an undisturbed run, no (stage, attempt) ever had a
 * second Job, no two trainers ever wrote one stage at once, no epoch was computed twice (none
 * lost), and the 2 broken ones fail with their reason at their start timeout.
 *
 * <p>Seeded: {@code -Darrest.faults.seed=N} (default {@value #DEFAULT_SEED}, printed) fixes the
 * plan: when the operator is killed and for how long, which training and stage each deletion
 * targets and when, when the node is lost. The victims' state at that moment (which epoch, which
 * pods share the lost node) still depends on timing. The campaign prints a table (fault → what the
 * status said → outcome) and writes it to {@code target/fault-campaign.md}.
 */
@Tag("control-plane")
@ExtendWith(ControlPlaneSuite.class)
class FaultCampaignTest {
  static final String NS = "ml-faults";
  static final String SEED_PROPERTY = "arrest.faults.seed";
  static final long DEFAULT_SEED = 20261129L;
  static final List<String> NODES = List.of("arrest-faults-node-a", "arrest-faults-node-b");
  static final String LOST_NODE = NODES.get(1);
  static final int HEALTHY = 18;

  /** Epochs of the broken trainings' stages; the healthy ones have 4 to 13, see {@link #epochs}. */
  static final int EPOCHS = 6;

  static final long EPOCH_MILLIS = 12_000;
  static final int OPERATOR_KILLS = 10;
  static final int JOB_DELETIONS = 5;
  static final int POD_DELETIONS = 5;
  static final int START_TIMEOUT_SECONDS = 20;
  static final String BAD_IMAGE = "bad-image";
  static final String UNSCHEDULABLE = "unschedulable";
  static final String UNPULLABLE_IMAGE = NodeStandIn.UNPULLABLE_REGISTRY + "/arrest/trainer:0.1.0";
  static final Duration CAMPAIGN_TIMEOUT = Duration.ofMinutes(15);
  static final Path REPORT = Path.of("target", "fault-campaign.md");
  static final Path DETAILS = Path.of("target", "fault-campaign-details.txt");

  private static ControlPlaneSuite.Cluster cluster;
  private static NodeStandIn node;
  private static OperatorProcess operator;
  private static StandInCluster faults;
  private static JobLedger ledger;

  @BeforeAll
  static void setUp(ControlPlaneSuite.Cluster suite) throws Exception {
    assumeTrue(
        Files.isRegularFile(OperatorProcess.OPERATOR_JAR),
        "target/arrest-operator.jar not found: run `mvn package -DskipTests` first");
    cluster = suite;
    faults = new StandInCluster(cluster, NS).create();
    node =
        new NodeStandIn(
            cluster.admin,
            Map.of(
                NS, commandLine -> CheckpointingStandInTrainer.command(commandLine, EPOCH_MILLIS)),
            cluster.controlPlane.home().resolve("node-faults"),
            NODES);
    operator =
        new OperatorProcess(
            cluster.operatorDeployment(),
            cluster.operatorKubeconfig,
            cluster.controlPlane.home().resolve("operator-faults"));
    faults.with(node, () -> operator.logTail(30));
    ledger = new JobLedger(cluster.admin, NS);
    operator.start();
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      if (ledger != null) {
        ledger.close();
      }
      if (cluster != null && faults != null) {
        // Leaves no trainings for the operators of other test classes; the garbage collector
        // removes the Jobs and pods.
        cluster.kubectl("delete", "arresttrainings", "--all", "-n", NS, "--wait=false");
      }
      if (operator != null) {
        System.out.println("fault campaign operator log: " + operator.logFile());
        operator.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  /** What one fault hit and when. */
  enum Kind {
    OPERATOR_KILL("operator SIGKILLed"),
    JOB_DELETION("Job deleted by hand"),
    POD_DELETION("pod deleted by hand"),
    NODE_LOSS("node lost with its pods"),
    BAD_IMAGE("image that cannot be pulled"),
    UNSCHEDULABLE("pod no node can take"),
    /**
     * Not planned: the operator exited by itself, e.g. it lost its Lease when the VM was paused for
     * longer than the renew deadline; started again, as its Deployment's kubelet would.
     */
    OPERATOR_EXIT("operator exited by itself");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  /**
   * A deletion by hand, {@code gap} s after the one before (the first after the start): of the
   * trainers that run then and have checkpointed an epoch (in trainings no deletion hit yet, by
   * training and stage), the one at fraction {@code pick} of the list.
   */
  record Deletion(Kind kind, double gap, double pick) {}

  /**
   * A kill of the operator {@code gap} s after it was last ready (the first after the start); it
   * stays down {@code down} s, then is started again.
   */
  record Kill(double gap, double down) {}

  /**
   * The whole plan, from the seed: the kills, the deletions in order, and after which deletion the
   * node is lost (once two trainers with progress run on it).
   */
  record Plan(List<Kill> kills, List<Deletion> deletions, int nodeLossAfter) {
    static Plan of(long seed) {
      Random random = new Random(seed);
      List<Kill> kills = new ArrayList<>();
      for (int i = 0; i < OPERATOR_KILLS; i++) {
        kills.add(new Kill(3 + 6 * random.nextDouble(), 2 * random.nextDouble()));
      }
      List<Kind> kinds = new ArrayList<>();
      for (int i = 0; i < JOB_DELETIONS + POD_DELETIONS; i++) {
        kinds.add(i < JOB_DELETIONS ? Kind.JOB_DELETION : Kind.POD_DELETION);
      }
      Collections.shuffle(kinds, random);
      List<Deletion> deletions = new ArrayList<>();
      for (Kind kind : kinds) {
        deletions.add(new Deletion(kind, 2 + 6 * random.nextDouble(), random.nextDouble()));
      }
      return new Plan(kills, deletions, 1 + random.nextInt(JOB_DELETIONS + POD_DELETIONS - 1));
    }
  }

  /** A running trainer a fault can hit: its training, stage, Job, pod and node. */
  record Victim(String training, String stage, String job, String pod, String node, int epoch) {}

  /** A fault that was injected. */
  static final class Fault {
    final Kind kind;
    final double at;
    final Instant when;
    Victim victim;
    String detail = "";
    String said = "";
    String outcome = "";

    Fault(Kind kind, double at, Instant when) {
      this.kind = kind;
      this.at = at;
      this.when = when;
    }
  }

  static List<String> healthyNames() {
    return IntStream.rangeClosed(1, HEALTHY)
        .mapToObj(i -> String.format(Locale.ROOT, "healthy-%02d", i))
        .toList();
  }

  static String yaml(String name) {
    if (name.equals(BAD_IMAGE)) {
      return Trainings.standInYaml(
          name,
          NS,
          101,
          EPOCHS,
          EPOCHS,
          """
          image: %s
          scheduling:
            nodeSelector:
              kubernetes.io/hostname: %s
          runPolicy:
            startTimeoutSeconds: %d
          """
              .formatted(UNPULLABLE_IMAGE, NODES.get(0), START_TIMEOUT_SECONDS));
    }
    if (name.equals(UNSCHEDULABLE)) {
      return Trainings.standInYaml(
          name,
          NS,
          102,
          EPOCHS,
          EPOCHS,
          """
          resources:
            pretrain:
              gpus: 4
          runPolicy:
            startTimeoutSeconds: %d
          """
              .formatted(START_TIMEOUT_SECONDS));
    }
    int i = Integer.parseInt(name.substring(name.length() - 2));
    return Trainings.standInYaml(
        name, NS, i, epochs(name, "pretrain"), epochs(name, "finetune"), "");
  }

  /**
   * A healthy training's epochs of a training stage: 4 to 13, 9 to 23 for both, varied so that the
   * trainings move from stage to stage and finish at different times, and some trainer is at work
   * for as long as the operator kills last (10 cycles of up 3 to 9 s, down up to 2 s and a start
   * that waits out the killed one's 15 s Lease).
   */
  static int epochs(String name, String stage) {
    int i = Integer.parseInt(name.substring(name.length() - 2));
    return 4 + (stage.equals("pretrain") ? (5 * i) % 9 : (7 * i + 3) % 10);
  }

  @Test
  void healthyTrainingsSurviveEveryFaultWithTheirResultsAndBrokenOnesFailWithTheirReason()
      throws Exception {
    long seed = Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
    System.out.printf(
        "fault campaign: seed %d (reproduce with mvn -Pcontrol-plane verify -D%s=%d)%n",
        seed, SEED_PROPERTY, seed);
    Plan plan = Plan.of(seed);
    List<String> names = new ArrayList<>(healthyNames());
    names.add(BAD_IMAGE);
    names.add(UNSCHEDULABLE);

    Instant begin = Instant.now();
    faults.apply(names.stream().map(FaultCampaignTest::yaml).collect(Collectors.joining("---\n")));
    Map<String, ArrestTraining> created = new TreeMap<>();
    for (String name : names) {
      created.put(name, faults.training(name));
    }
    List<Fault> injected = Collections.synchronizedList(new ArrayList<>());
    Fault badImage = new Fault(Kind.BAD_IMAGE, 0, begin);
    badImage.detail = "`" + BAD_IMAGE + "`: spec.image " + UNPULLABLE_IMAGE;
    Fault unschedulable = new Fault(Kind.UNSCHEDULABLE, 0, begin);
    unschedulable.detail = "`" + UNSCHEDULABLE + "`: 4 GPUs for pretrain, nodes have 1";
    injected.add(badImage);
    injected.add(unschedulable);

    // The operator killer: at each planned moment kill it, let it stay down, start it again
    // (until ready).
    CampaignState state = new CampaignState();
    Thread killer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < plan.kills().size() && !state.finished; i++) {
                  Kill kill = plan.kills().get(i);
                  Thread.sleep((long) (kill.gap() * 1000));
                  if (state.finished) {
                    break;
                  }
                  Fault fault = new Fault(Kind.OPERATOR_KILL, seconds(begin), Instant.now());
                  fault.detail =
                      String.format(
                          Locale.ROOT,
                          "kill %d of %d, %d of %d healthy stages done; down %.1f s",
                          i + 1,
                          OPERATOR_KILLS,
                          state.stagesDone,
                          3 * HEALTHY,
                          kill.down());
                  synchronized (state) {
                    operator.kill();
                    Thread.sleep((long) (kill.down() * 1000));
                    startAgain(fault, injected);
                  }
                }
              } catch (Throwable e) {
                state.killerError = e;
              }
            },
            "operator-killer");
    killer.setDaemon(true);
    killer.start();
    Thread restarter = restarter(begin, state, injected);

    try {
      inject(plan, begin, names, state, killer, injected);
    } finally {
      state.finished = true;
      killer.join(Duration.ofMinutes(2).toMillis());
      restarter.join(Duration.ofMinutes(2).toMillis());
    }
    Duration took = Duration.between(begin, Instant.now());
    check(seed, took, names, created, injected);
  }

  /**
   * Starts the operator again whenever it exits outside a planned kill, as the kubelet restarts the
   * container of its Deployment (restartPolicy Always): on a VM paused for longer than the Lease's
   * renew deadline, the operator exits when it resumes, by design. Each such exit is recorded.
   */
  private static Thread restarter(Instant begin, CampaignState state, List<Fault> injected) {
    Thread restarter =
        new Thread(
            () -> {
              try {
                while (!state.finished) {
                  Thread.sleep(1000);
                  synchronized (state) {
                    if (state.finished || operator.isAlive()) {
                      continue;
                    }
                    Fault fault = new Fault(Kind.OPERATOR_EXIT, seconds(begin), Instant.now());
                    String reason =
                        operator
                            .logTail(200)
                            .lines()
                            .filter(line -> line.contains(" ERROR "))
                            .reduce((first, second) -> second)
                            .orElse("no ERROR line in its log");
                    fault.detail = "exit code " + operator.exitCode() + ": " + reason;
                    startAgain(fault, injected);
                  }
                }
              } catch (Throwable e) {
                state.killerError = e;
              }
            },
            "operator-restarter");
    restarter.setDaemon(true);
    restarter.start();
    return restarter;
  }

  /** Starts the stopped operator (until ready) and records the fault that stopped it. */
  private static void startAgain(Fault fault, List<Fault> injected) throws Exception {
    Instant restart = Instant.now();
    operator.start();
    fault.said = "— (no status is written while it is down)";
    fault.outcome =
        String.format(
            Locale.ROOT,
            "started again, ready %.1f s later",
            Duration.between(restart, Instant.now()).toMillis() / 1000.0);
    injected.add(fault);
  }

  /** Injects the plan's deletions and node loss while the killer kills; returns once all ended. */
  private static void inject(
      Plan plan,
      Instant begin,
      List<String> names,
      CampaignState state,
      Thread killer,
      List<Fault> injected) {
    List<Deletion> pending = new ArrayList<>(plan.deletions());
    Set<String> deletedIn = new HashSet<>();
    boolean nodeLost = false;
    Instant lastDeletion = begin;
    Instant deadline = begin.plus(CAMPAIGN_TIMEOUT);
    while (true) {
      assertTrue(
          Instant.now().isBefore(deadline),
          "the campaign did not end within " + CAMPAIGN_TIMEOUT + "\n" + faults.state());
      if (state.killerError != null) {
        throw new AssertionError("the operator killer or restarter failed", state.killerError);
      }
      // A fresh look at the cluster before each fault, so that each hits what runs now.
      Snapshot now = snapshot();
      state.unfinished = now.unfinished(names);
      state.stagesDone = now.stagesDone(healthyNames());
      List<Victim> running = now.victims(healthyNames());
      boolean injectedOne = false;
      if (!pending.isEmpty()
          && Instant.now().isAfter(lastDeletion.plusMillis((long) (pending.get(0).gap() * 1000)))) {
        Deletion deletion = pending.get(0);
        List<Victim> candidates =
            running.stream().filter(v -> !deletedIn.contains(v.training())).toList();
        if (!candidates.isEmpty()) {
          Victim v = candidates.get((int) (deletion.pick() * candidates.size()));
          Fault fault = new Fault(deletion.kind(), seconds(begin), Instant.now());
          fault.victim = v;
          deletedIn.add(v.training());
          if (deletion.kind() == Kind.JOB_DELETION) {
            cluster
                .kubectl("delete", "job", v.job(), "-n", NS, "--wait=false")
                .check("kubectl delete job");
            fault.detail = "`kubectl delete job " + v.job() + "`";
          } else {
            cluster
                .kubectl("delete", "pod", v.pod(), "-n", NS, "--wait=false")
                .check("kubectl delete pod");
            fault.detail = "`kubectl delete pod " + v.pod() + "`";
          }
          fault.detail +=
              String.format(
                  Locale.ROOT,
                  ", %s at epoch %d/%d, %d of %d healthy stages done",
                  v.stage(),
                  v.epoch(),
                  epochs(v.training(), v.stage()),
                  state.stagesDone,
                  3 * HEALTHY);
          injected.add(fault);
          pending.remove(0);
          lastDeletion = Instant.now();
          injectedOne = true;
        }
      }
      int deleted = JOB_DELETIONS + POD_DELETIONS - pending.size();
      if (!injectedOne && !nodeLost && deleted >= plan.nodeLossAfter()) {
        List<Victim> onNode = running.stream().filter(v -> LOST_NODE.equals(v.node())).toList();
        if (onNode.size() >= 2 || (!onNode.isEmpty() && pending.isEmpty())) {
          double at = seconds(begin);
          Instant when = Instant.now();
          List<String> lost = node.loseNode(LOST_NODE);
          nodeLost = true;
          for (Victim v : onNode) {
            Fault fault = new Fault(Kind.NODE_LOSS, at, when);
            fault.victim = v;
            fault.detail =
                String.format(
                    Locale.ROOT,
                    "%s lost with pod %s (%s at epoch %d/%d; %d pods on it)",
                    LOST_NODE,
                    v.pod(),
                    v.stage(),
                    v.epoch(),
                    epochs(v.training(), v.stage()),
                    lost.size());
            injected.add(fault);
          }
          injectedOne = true;
        }
      }
      if (injectedOne) {
        continue;
      }
      if (state.unfinished == 0) {
        // Done; faults that found no victim are missing from the counts, which fails the test.
        state.finished = true;
        if (!killer.isAlive()) {
          break;
        }
      }
      ControlPlaneSuite.sleep(Duration.ofMillis(250));
    }
  }

  /** What happened: the findings, the table. */
  private static void check(
      long seed,
      Duration took,
      List<String> names,
      Map<String, ArrestTraining> created,
      List<Fault> injected)
      throws Exception {
    Fault badImage =
        injected.stream().filter(f -> f.kind == Kind.BAD_IMAGE).findFirst().orElseThrow();
    Fault unschedulable =
        injected.stream().filter(f -> f.kind == Kind.UNSCHEDULABLE).findFirst().orElseThrow();
    Map<String, ArrestTraining> finals = new TreeMap<>();
    for (String name : names) {
      finals.put(name, faults.training(name));
    }
    Map<String, List<Event>> events = new HashMap<>();
    for (String name : names) {
      events.put(name, faults.events(name));
    }
    List<String> problems = new ArrayList<>();
    int restarts = 0;
    for (String name : healthyNames()) {
      ArrestTraining training = finals.get(name);
      if (training.getStatus().phase != TrainingPhase.SUCCEEDED) {
        problems.add(
            name + " ended " + training.getStatus().phase + ": " + conditionText(training));
        continue;
      }
      restarts += training.getStatus().restarts == null ? 0 : training.getStatus().restarts;
      CheckpointingStandInTrainer.Expected expected =
          CheckpointingStandInTrainer.expected(Trainings.parse(yaml(name)));
      if (expected.standardAccuracy() != training.getStatus().results.standardAccuracy
          || expected.robustAccuracy() != training.getStatus().results.robustAccuracy) {
        problems.add(
            name
                + ": results "
                + training.getStatus().results.standardAccuracy
                + "/"
                + training.getStatus().results.robustAccuracy
                + ", an undisturbed run gives "
                + expected.standardAccuracy()
                + "/"
                + expected.robustAccuracy());
      }
      for (String stage : List.of("pretrain", "finetune")) {
        TrainingStageStatus entry =
            stage.equals("pretrain")
                ? training.getStatus().stages.pretrain
                : training.getStatus().stages.finetune;
        if (entry.epochs == null || entry.epochs != epochs(name, stage)) {
          problems.add(name + " " + stage + ": " + entry.epochs + " epochs in status");
        }
        // No progress lost: each run resumed from at least the last epoch its predecessor recorded
        // (a record is written just after its checkpoint, so a run may resume from a later one).
        List<Run> runs = faults.runs(created.get(name), stage);
        int recorded = 0;
        for (Run run : runs) {
          if (Run.OVERLAP.equals(run.outcome())) {
            continue;
          }
          if (run.resumedFromEpoch() < recorded) {
            problems.add(
                name
                    + " "
                    + stage
                    + ": pod "
                    + run.pod()
                    + " resumed from epoch "
                    + run.resumedFromEpoch()
                    + " although epoch "
                    + recorded
                    + " had been checkpointed: "
                    + runs);
          }
          recorded =
              Math.max(
                  recorded,
                  run.epochsRun().isEmpty()
                      ? run.resumedFromEpoch()
                      : run.epochsRun().get(run.epochsRun().size() - 1));
        }
        if (runs.isEmpty() || !Run.SUCCEEDED.equals(runs.get(runs.size() - 1).outcome())) {
          problems.add(name + " " + stage + ": its last run did not succeed: " + runs);
        }
      }
    }
    for (String name : names) {
      for (String stage : List.of("pretrain", "finetune", "evaluate")) {
        for (Run run : faults.runs(created.get(name), stage)) {
          if (Run.OVERLAP.equals(run.outcome())) {
            problems.add(
                name
                    + " "
                    + stage
                    + ": pod "
                    + run.pod()
                    + " found another live trainer (pid "
                    + run.lockHolder()
                    + ") writing the stage");
          }
        }
      }
    }
    checkBroken(
        finals.get(BAD_IMAGE), "ImagePullFailed", badImage, events.get(BAD_IMAGE), problems);
    checkBroken(
        finals.get(UNSCHEDULABLE),
        "Unschedulable",
        unschedulable,
        events.get(UNSCHEDULABLE),
        problems);
    ledger
        .namesWithSeveralUids()
        .forEach(
            (job, uids) ->
                problems.add("Job " + job + " existed " + uids.size() + " times: " + uids));
    ledger
        .attemptsWithSeveralJobs()
        .forEach((attempt, jobs) -> problems.add(attempt + " had several Jobs: " + jobs));
    problems.addAll(ledger.misnamed());

    List<Fault> all = new ArrayList<>(injected);
    all.sort((a, b) -> Double.compare(a.at, b.at));
    for (Fault fault : all) {
      if (fault.victim != null) {
        describeOutcome(fault, finals, created, events, problems);
      }
    }
    Map<Kind, Long> counts =
        all.stream()
            .collect(Collectors.groupingBy(f -> f.kind, TreeMap::new, Collectors.counting()));
    List<String> findings = new ArrayList<>(problems);
    for (var expected :
        Map.of(
                Kind.OPERATOR_KILL,
                OPERATOR_KILLS,
                Kind.JOB_DELETION,
                JOB_DELETIONS,
                Kind.POD_DELETION,
                POD_DELETIONS)
            .entrySet()) {
      long done = counts.getOrDefault(expected.getKey(), 0L);
      if (done != expected.getValue()) {
        findings.add(
            "only "
                + done
                + " of "
                + expected.getValue()
                + " planned faults '"
                + expected.getKey().text
                + "' were injected before the trainings finished");
      }
    }
    if (counts.getOrDefault(Kind.NODE_LOSS, 0L) == 0) {
      findings.add("the node was not lost: no two trainers with progress ran on it");
    }
    String table = table(seed, took, all, finals, restarts, counts, findings);
    System.out.println(table);
    Files.createDirectories(REPORT.getParent());
    Files.writeString(REPORT, table);
    System.out.println("fault campaign report: " + REPORT.toAbsolutePath());
    Files.writeString(DETAILS, details(names, finals, created, events));
    System.out.println("fault campaign details: " + DETAILS.toAbsolutePath());

    assertEquals(List.of(), findings, "the campaign's findings (table above)");
    assertEquals(
        OPERATOR_KILLS,
        counts.getOrDefault(Kind.OPERATOR_KILL, 0L),
        "operator kills: the trainings finished first");
    assertEquals(JOB_DELETIONS, counts.getOrDefault(Kind.JOB_DELETION, 0L), "Job deletions");
    assertEquals(POD_DELETIONS, counts.getOrDefault(Kind.POD_DELETION, 0L), "pod deletions");
    assertTrue(counts.getOrDefault(Kind.NODE_LOSS, 0L) >= 1, "pods lost with the node");
    assertEquals(List.of(), node.problems(), "the node stand-in's own problems");
  }

  /** A broken training: Failed with {@code reason} at its start timeout; what its status said. */
  private static void checkBroken(
      ArrestTraining training,
      String reason,
      Fault fault,
      List<Event> events,
      List<String> problems) {
    String name = training.getMetadata().getName();
    Optional<Condition> failed = StandInCluster.condition(training, "Failed");
    List<Event> warnings =
        events.stream()
            .filter(e -> "Warning".equals(e.getType()) && reason.equals(e.getReason()))
            .toList();
    // On a busy machine the operator may look only once more before the timeout, so the Event
    // that says why may be the one of the failure.
    String waiting =
        warnings.stream()
            .map(Event::getMessage)
            .filter(message -> !message.contains("did not start"))
            .findFirst()
            .map(message -> "while waiting: " + reason + " \"" + message + "\"; then ")
            .orElse("");
    JobLedger.Seen job = ledger.ofTraining(name).values().stream().findFirst().orElse(null);
    double seconds =
        job == null || training.getStatus().completionTime == null
            ? -1
            : Duration.between(
                        Instant.parse(job.created()),
                        Instant.parse(training.getStatus().completionTime))
                    .toMillis()
                / 1000.0;
    fault.said = waiting + "Failed: \"" + failed.map(Condition::getMessage).orElse("") + "\"";
    fault.outcome =
        String.format(
            Locale.ROOT,
            "%s (%s) %.0f s after its Job was created (startTimeoutSeconds %d)",
            training.getStatus().phase,
            failed.map(Condition::getReason).orElse("no Failed condition"),
            seconds,
            START_TIMEOUT_SECONDS);
    if (training.getStatus().phase != TrainingPhase.FAILED
        || failed.isEmpty()
        || !reason.equals(failed.get().getReason())) {
      problems.add(name + " should have failed with " + reason + ": " + conditionText(training));
      return;
    }
    // The operator counts from the Job's creation (both times are cut to the second); it can look
    // only while it runs, and a kill keeps it down for up to ~45 s here (Lease, start-up).
    if (seconds < START_TIMEOUT_SECONDS - 1 || seconds > START_TIMEOUT_SECONDS + 90) {
      problems.add(
          name
              + " failed "
              + seconds
              + " s after its Job was created; start timeout "
              + START_TIMEOUT_SECONDS
              + " s");
    }
    if (warnings.isEmpty()) {
      problems.add(name + ": no Warning Event " + reason + " said why it did not start");
    }
  }

  /** What the status said about a fault on a stage, and how the stage went on. */
  private static void describeOutcome(
      Fault fault,
      Map<String, ArrestTraining> finals,
      Map<String, ArrestTraining> created,
      Map<String, List<Event>> events,
      List<String> problems) {
    Victim v = fault.victim;
    List<String> restarts =
        events.get(v.training()).stream()
            .filter(e -> "StageRestarted".equals(e.getReason()))
            .map(Event::getMessage)
            .filter(m -> m.contains(v.pod()) || m.contains("Job " + v.job() + " "))
            .toList();
    List<Run> all = faults.runs(created.get(v.training()), v.stage());
    List<Run> runs = StandInRunsAfter.of(all, fault.when, v.pod());
    Optional<Run> victimRun = all.stream().filter(run -> run.pod().equals(v.pod())).findFirst();
    String phase = finals.get(v.training()).getStatus().phase.toString();
    if (runs.isEmpty()) {
      if (victimRun.isPresent() && Run.SUCCEEDED.equals(victimRun.get().outcome())) {
        // The fault landed as the trainer finished: nothing was disrupted.
        fault.said = restarts.isEmpty() ? "nothing" : "StageRestarted: \"" + restarts.get(0) + "\"";
        fault.outcome = phase + "; the trainer had just finished " + v.stage();
        return;
      }
      fault.said = restarts.isEmpty() ? "nothing" : "StageRestarted: \"" + restarts.get(0) + "\"";
      fault.outcome = phase + "; " + v.stage() + " never ran again";
      problems.add(v.training() + " " + v.stage() + ": no run after " + fault.kind.text);
      return;
    }
    Run next = runs.get(0);
    String nextJob = next.pod().replaceAll("-[a-z0-9]{5}$", "");
    if (!restarts.isEmpty()) {
      fault.said = "StageRestarted: \"" + restarts.get(0) + "\"";
    } else if (nextJob.equals(v.job())) {
      fault.said =
          "no restart: the Job controller replaced the pod before the operator saw it go, and the"
              + " stage went on in the same Job";
    } else {
      fault.said = "no restart of its own: the stage had restarted as " + nextJob + " already";
    }
    fault.outcome =
        String.format(
            Locale.ROOT,
            "%s; %s resumed from epoch %d in pod %s",
            phase,
            v.stage(),
            next.resumedFromEpoch(),
            next.pod());
    if (next.resumedFromEpoch() < v.epoch()) {
      problems.add(
          v.training()
              + " "
              + v.stage()
              + " resumed from epoch "
              + next.resumedFromEpoch()
              + " after "
              + fault.kind.text
              + " at epoch "
              + v.epoch());
    }
  }

  /** The runs of a stage that started after a moment, other than the victim pod's. */
  static final class StandInRunsAfter {
    static List<Run> of(List<Run> runs, Instant after, String victimPod) {
      return runs.stream()
          .filter(run -> !run.pod().equals(victimPod))
          .filter(run -> !Instant.parse(run.startedAt()).isBefore(after.minusSeconds(1)))
          .toList();
    }
  }

  private static String table(
      long seed,
      Duration took,
      List<Fault> all,
      Map<String, ArrestTraining> finals,
      int restarts,
      Map<Kind, Long> counts,
      List<String> findings) {
    StringBuilder text = new StringBuilder();
    long succeeded =
        healthyNames().stream()
            .filter(name -> finals.get(name).getStatus().phase == TrainingPhase.SUCCEEDED)
            .count();
    text.append(
        String.format(
            Locale.ROOT,
            "Fault campaign, seed %d (`mvn -Pcontrol-plane verify -D%s=%d`), %s: %d trainings (%d"
                + " healthy: 4 to 13 epochs of %d ms per training stage, then an evaluation), %s;"
                + " %d of %d healthy trainings Succeeded with the results of an undisturbed run, %d"
                + " restarts in their status; %d Jobs. Findings: %s.%n%n",
            seed,
            SEED_PROPERTY,
            seed,
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
            HEALTHY + 2,
            HEALTHY,
            EPOCH_MILLIS,
            counts.entrySet().stream()
                .map(e -> e.getValue() + " × " + e.getKey().text)
                .collect(Collectors.joining(", ")),
            succeeded,
            HEALTHY,
            restarts,
            ledger.size(),
            findings.isEmpty()
                ? "none (no Job twice for a (stage, attempt), no two trainers on one stage, no"
                    + " progress lost, every planned fault injected)"
                : String.join("; ", findings)));
    text.append(String.format(Locale.ROOT, "Campaign time %d s.%n%n", took.toSeconds()));
    text.append("| t (s) | injected fault | target | what the status said | outcome |\n");
    text.append("|---:|---|---|---|---|\n");
    for (Fault fault : all) {
      text.append(
          String.format(
              Locale.ROOT,
              "| %.1f | %s | %s | %s | %s |%n",
              fault.at,
              fault.kind.text,
              cell(fault.detail),
              cell(fault.said),
              cell(fault.outcome)));
    }
    return text.toString();
  }

  /** Every training's end state, Events, Jobs and trainer runs, for a post-mortem. */
  private static String details(
      List<String> names,
      Map<String, ArrestTraining> finals,
      Map<String, ArrestTraining> created,
      Map<String, List<Event>> events) {
    StringBuilder text = new StringBuilder();
    for (String name : names) {
      ArrestTraining training = finals.get(name);
      text.append("== ").append(name).append(": ").append(training.getStatus().phase);
      text.append(", restarts ").append(training.getStatus().restarts).append('\n');
      var stages = training.getStatus().stages;
      if (stages != null) {
        for (var entry :
            new TreeMap<>(
                    Map.of(
                        "1 pretrain", Optional.ofNullable(stages.pretrain),
                        "2 finetune", Optional.ofNullable(stages.finetune),
                        "3 evaluate", Optional.ofNullable(stages.evaluate)))
                .entrySet()) {
          entry
              .getValue()
              .ifPresent(
                  stage ->
                      text.append(
                          String.format(
                              Locale.ROOT,
                              "  stage %s: %s attempt %s restarts %s job %s epochs %s: %s%n",
                              entry.getKey().substring(2),
                              stage.phase,
                              stage.attempt,
                              stage.restarts,
                              stage.jobName,
                              stage.epochs,
                              stage.message)));
        }
      }
      for (Event event : events.get(name)) {
        text.append(
            String.format(
                Locale.ROOT,
                "  event %s %s %s x%d: %s%n",
                event.getLastTimestamp(),
                event.getType(),
                event.getReason(),
                event.getCount(),
                event.getMessage()));
      }
      for (JobLedger.Seen job : ledger.ofTraining(name).values()) {
        text.append(
            String.format(
                Locale.ROOT,
                "  job %s uid %s attempt %s created %s%n",
                job.name(),
                job.uid(),
                job.attempt(),
                job.created()));
      }
      for (String stage : List.of("pretrain", "finetune", "evaluate")) {
        for (Run run : faults.runs(created.get(name), stage)) {
          text.append("  run ").append(stage).append(' ').append(run).append('\n');
        }
      }
    }
    return text.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  private static String conditionText(ArrestTraining training) {
    return StandInCluster.condition(training, "Failed")
        .map(c -> c.getReason() + ": " + c.getMessage())
        .orElse(StandInCluster.json(training.getStatus()));
  }

  private static double seconds(Instant begin) {
    return Duration.between(begin, Instant.now()).toMillis() / 1000.0;
  }

  /** Shared between the test thread and the operator killer. */
  static final class CampaignState {
    volatile boolean finished;
    volatile int stagesDone;
    volatile int unfinished = HEALTHY + 2;
    volatile Throwable killerError;
  }

  private static Snapshot snapshot() {
    List<ArrestTraining> trainings =
        cluster.admin.resources(ArrestTraining.class).inNamespace(NS).list().getItems();
    List<Job> jobs = cluster.admin.batch().v1().jobs().inNamespace(NS).list().getItems();
    List<Pod> pods = cluster.admin.pods().inNamespace(NS).list().getItems();
    return new Snapshot(trainings, jobs, pods);
  }

  /** The namespace's trainings, Jobs and pods at one moment, and the trainers running in them. */
  record Snapshot(List<ArrestTraining> trainings, List<Job> jobs, List<Pod> pods) {
    /** Stages of these trainings whose status says Succeeded. */
    int stagesDone(List<String> names) {
      int done = 0;
      for (ArrestTraining t : trainings) {
        if (!names.contains(t.getMetadata().getName())
            || t.getStatus() == null
            || t.getStatus().stages == null) {
          continue;
        }
        for (TrainingStageStatus entry :
            new TrainingStageStatus[] {
              t.getStatus().stages.pretrain,
              t.getStatus().stages.finetune,
              t.getStatus().stages.evaluate
            }) {
          if (entry != null && entry.phase == StagePhase.SUCCEEDED) {
            done++;
          }
        }
      }
      return done;
    }

    int unfinished(List<String> names) {
      return (int)
          names.stream()
              .filter(
                  name ->
                      trainings.stream()
                          .filter(t -> t.getMetadata().getName().equals(name))
                          .noneMatch(
                              t ->
                                  t.getStatus() != null
                                      && t.getStatus().phase != null
                                      && t.getStatus().phase.isFinal()))
              .count();
    }

    boolean stageDone(String training, String stage) {
      return trainings.stream()
          .filter(t -> t.getMetadata().getName().equals(training))
          .anyMatch(
              t -> {
                if (t.getStatus() == null || t.getStatus().stages == null) {
                  return false;
                }
                if (t.getStatus().phase != null && t.getStatus().phase.isFinal()) {
                  return true;
                }
                TrainingStageStatus entry =
                    stage.equals("pretrain")
                        ? t.getStatus().stages.pretrain
                        : t.getStatus().stages.finetune;
                return entry != null && entry.phase == StagePhase.SUCCEEDED;
              });
    }

    /** A trainer of the stage that runs and has checkpointed at least one epoch in this run. */
    Optional<Victim> victim(String training, String stage) {
      ArrestTraining owner =
          trainings.stream()
              .filter(t -> t.getMetadata().getName().equals(training))
              .findFirst()
              .orElse(null);
      if (owner == null) {
        return Optional.empty();
      }
      for (Job job : jobs) {
        Map<String, String> labels = job.getMetadata().getLabels();
        if (labels == null
            || !training.equals(labels.get(StandInCluster.LABEL_TRAINING))
            || !stage.equals(labels.get(StandInCluster.LABEL_STAGE))
            || job.getMetadata().getDeletionTimestamp() != null
            || finished(job)) {
          continue;
        }
        for (Pod pod : pods) {
          String podName = pod.getMetadata().getName();
          if (!job.getMetadata().getName().equals(pod.getMetadata().getLabels().get("job-name"))
              || pod.getMetadata().getDeletionTimestamp() != null
              || !node.isRunning(NS, podName)) {
            continue;
          }
          for (Run run : faults.runs(owner, stage)) {
            if (run.pod().equals(podName)
                && Run.RUNNING.equals(run.outcome())
                && !run.epochsRun().isEmpty()
                && run.epochsRun().get(run.epochsRun().size() - 1) < epochs(training, stage)) {
              return Optional.of(
                  new Victim(
                      training,
                      stage,
                      job.getMetadata().getName(),
                      podName,
                      node.nodeOf(pod),
                      run.epochsRun().get(run.epochsRun().size() - 1)));
            }
          }
        }
      }
      return Optional.empty();
    }

    /** The trainers with progress in these trainings, by training and stage. */
    List<Victim> victims(List<String> names) {
      List<Victim> all = new ArrayList<>();
      for (String training : names) {
        for (String stage : List.of("pretrain", "finetune")) {
          victim(training, stage).ifPresent(all::add);
        }
      }
      return all;
    }

    private static boolean finished(Job job) {
      if (job.getStatus() == null || job.getStatus().getConditions() == null) {
        return false;
      }
      for (JobCondition condition : job.getStatus().getConditions()) {
        if ("True".equals(condition.getStatus())
            && ("Complete".equals(condition.getType()) || "Failed".equals(condition.getType()))) {
          return true;
        }
      }
      return false;
    }
  }
}
