package dev.arrest.trainer.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.Stage;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.loss.Losses;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.train.BatchSource.LabeledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Clean accuracy and robust accuracy under each configured attack, on a fixed set of test examples, with the model in
 * eval mode. An example is robust under an attack when it is classified correctly on the clean input and on every
 * restart's adversarial input; the overall robust accuracy is the per-example worst case over all attacks.
 */
public final class RobustnessEvaluator {
  private final Network network;
  private final EvaluationData data;
  private final int batchSize;
  private final long seed;
  private final ProgressListener progress;

  public RobustnessEvaluator(Network network, EvaluationData data, int batchSize, long seed,
      ProgressListener progress) {
    this.network = network;
    this.data = data;
    this.batchSize = batchSize;
    this.seed = seed;
    this.progress = progress;
  }

  public EvaluationResult evaluate(List<EvaluationAttackSpec> attacks, double defaultEpsilon) {
    boolean[] robust = cleanCorrect();
    double standardAccuracy = fraction(robust);
    List<AttackResult> results = new ArrayList<>();
    for (int a = 0; a < attacks.size(); a++) {
      EvaluationAttackSpec spec = attacks.get(a);
      double epsilon = spec.epsilon != null ? spec.epsilon : defaultEpsilon;
      double stepSize = spec.stepSize != null ? spec.stepSize : 2.5 * epsilon / spec.steps;
      long start = System.nanoTime();
      boolean[] survived = runPgd(spec.displayName(), new PgdAttack(epsilon, stepSize, spec.steps,
          PgdAttack.Start.UNIFORM), spec.restarts, a);
      double seconds = (System.nanoTime() - start) / 1e9;
      boolean[] cleanAndSurvived = cleanCorrect(survived, robust);
      results.add(new AttackResult(spec.displayName(), spec.type.toString(), spec.type == null ? null : "linf",
          epsilon, spec.steps, stepSize, spec.restarts, fraction(survived), seconds));
      robust = cleanAndSurvived;
    }
    return new EvaluationResult(data.size(), standardAccuracy, fraction(robust), results, List.of());
  }

  private boolean[] cleanCorrect() {
    boolean[] correct = new boolean[data.size()];
    progress.phaseStarted(Stage.EVALUATE, "clean", 0, 0, batches());
    try {
      long done = 0;
      int hits = 0;
      for (int from = 0, b = 1; from < data.size(); from += batchSize, b++) {
        int to = Math.min(from + batchSize, data.size());
        try (NDManager scope = network.manager().newSubManager()) {
          LabeledImages batch = data.slice(from, to, scope);
          hits += copyInto(correct, from, Losses.correct(network.forward(batch.images(), false).logits(),
              batch.labels()));
        }
        done += to - from;
        progress.stepDone(b, done, null, (double) hits / done, null, null);
      }
    } finally {
      progress.phaseFinished();
    }
    return correct;
  }

  /** Per example: correct under every restart of the attack (regardless of the clean prediction). */
  private boolean[] runPgd(String name, PgdAttack attack, int restarts, int attackIndex) {
    boolean[] survived = new boolean[data.size()];
    Arrays.fill(survived, true);
    for (int restart = 0; restart < restarts; restart++) {
      Engine.getInstance().setRandomSeed((int) ((seed * 31 + attackIndex) * 1009 + restart) & 0x7fffffff);
      String phase = name + (restarts > 1 ? " restart " + (restart + 1) + "/" + restarts : "");
      progress.phaseStarted(Stage.EVALUATE, phase, 0, 0, batches());
      try {
        long done = 0;
        int hits = 0;
        for (int from = 0, b = 1; from < data.size(); from += batchSize, b++) {
          int to = Math.min(from + batchSize, data.size());
          try (NDManager scope = network.manager().newSubManager()) {
            LabeledImages batch = data.slice(from, to, scope);
            NDArray labels = batch.labels();
            NDArray adversarial = attack.perturb(network, batch.images(),
                out -> Losses.crossEntropy(out.logits(), labels).sum());
            ThreatModelCheck.requireLinf(name, batch.images(), adversarial, attack.epsilon());
            boolean[] now = new boolean[to - from];
            copyInto(now, 0, Losses.correct(network.forward(adversarial, false).logits(), labels));
            for (int i = 0; i < now.length; i++) {
              survived[from + i] &= now[i];
              hits += survived[from + i] ? 1 : 0;
            }
          }
          done += to - from;
          progress.stepDone(b, done, null, (double) hits / done, null, null);
        }
      } finally {
        progress.phaseFinished();
      }
    }
    return survived;
  }

  private int batches() {
    return (data.size() + batchSize - 1) / batchSize;
  }

  private static int copyInto(boolean[] target, int offset, NDArray correct) {
    float[] values = correct.toFloatArray();
    int hits = 0;
    for (int i = 0; i < values.length; i++) {
      target[offset + i] = values[i] > 0.5f;
      hits += target[offset + i] ? 1 : 0;
    }
    return hits;
  }

  private static boolean[] cleanCorrect(boolean[] survived, boolean[] soFar) {
    boolean[] both = new boolean[survived.length];
    for (int i = 0; i < both.length; i++) {
      both[i] = survived[i] && soFar[i];
    }
    return both;
  }

  private static double fraction(boolean[] flags) {
    int count = 0;
    for (boolean flag : flags) {
      count += flag ? 1 : 0;
    }
    return flags.length == 0 ? 0 : (double) count / flags.length;
  }
}
