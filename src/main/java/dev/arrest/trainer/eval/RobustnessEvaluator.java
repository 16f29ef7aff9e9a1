package dev.arrest.trainer.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.Stage;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.data.ImageBatch;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.loss.Losses;
import dev.arrest.trainer.progress.ProgressListener;
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
  private final DataLoader data;
  private final int size;
  private final long seed;
  private final ProgressListener progress;

  /** @param data the test examples, in a fixed order (no shuffling, no augmentation) */
  public RobustnessEvaluator(Network network, DataLoader data, long seed, ProgressListener progress) {
    this.network = network;
    this.data = data;
    this.size = data.dataset().size();
    this.seed = seed;
    this.progress = progress;
  }

  public EvaluationResult evaluate(List<EvaluationAttackSpec> attacks, double defaultEpsilon) {
    boolean[] clean = cleanCorrect();
    boolean[] robust = clean;
    double standardAccuracy = fraction(clean);
    List<AttackResult> results = new ArrayList<>();
    for (int a = 0; a < attacks.size(); a++) {
      EvaluationAttackSpec spec = attacks.get(a);
      double epsilon = spec.epsilon != null ? spec.epsilon : defaultEpsilon;
      double stepSize = spec.stepSize != null ? spec.stepSize : 2.5 * epsilon / spec.steps;
      long start = System.nanoTime();
      boolean[] survived = runPgd(spec.displayName(), new PgdAttack(epsilon, stepSize, spec.steps,
          PgdAttack.Start.UNIFORM), spec.restarts, a);
      double seconds = (System.nanoTime() - start) / 1e9;
      results.add(new AttackResult(spec.displayName(), spec.type.toString(), "linf",
          epsilon, spec.steps, stepSize, spec.restarts, fraction(both(clean, survived)), seconds));
      robust = both(robust, survived);
    }
    return new EvaluationResult(size, standardAccuracy, fraction(robust), results, List.of());
  }

  private boolean[] cleanCorrect() {
    boolean[] correct = new boolean[size];
    progress.phaseStarted(Stage.EVALUATE, "clean", 0, 0, data.batchesPerEpoch());
    try {
      int done = 0;
      int hits = 0;
      int b = 0;
      for (ImageBatch batch : data.epoch(network.manager(), 0)) {
        try (batch) {
          hits += copyInto(correct, done, Losses.correct(network.forward(batch.images(), false).logits(),
              batch.labels()));
          done += batch.size();
        }
        progress.stepDone(++b, done, null, (double) hits / done, null, null);
      }
    } finally {
      progress.phaseFinished();
    }
    return correct;
  }

  /** Per example: correct under every restart of the attack (regardless of the clean prediction). */
  private boolean[] runPgd(String name, PgdAttack attack, int restarts, int attackIndex) {
    boolean[] survived = new boolean[size];
    Arrays.fill(survived, true);
    for (int restart = 0; restart < restarts; restart++) {
      Engine.getInstance().setRandomSeed((int) ((seed * 31 + attackIndex) * 1009 + restart) & 0x7fffffff);
      String phase = name + (restarts > 1 ? " restart " + (restart + 1) + "/" + restarts : "");
      progress.phaseStarted(Stage.EVALUATE, phase, 0, 0, data.batchesPerEpoch());
      try {
        int done = 0;
        int hits = 0;
        int b = 0;
        for (ImageBatch batch : data.epoch(network.manager(), 0)) {
          try (batch) {
            NDArray labels = batch.labels();
            NDArray adversarial = attack.perturb(network, batch.images(),
                out -> Losses.crossEntropy(out.logits(), labels).sum());
            ThreatModelCheck.requireLinf(name, batch.images(), adversarial, attack.epsilon());
            boolean[] now = new boolean[batch.size()];
            copyInto(now, 0, Losses.correct(network.forward(adversarial, false).logits(), labels));
            for (int i = 0; i < now.length; i++) {
              survived[done + i] &= now[i];
              hits += survived[done + i] ? 1 : 0;
            }
            done += batch.size();
          }
          progress.stepDone(++b, done, null, (double) hits / done, null, null);
        }
      } finally {
        progress.phaseFinished();
      }
    }
    return survived;
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

  private static boolean[] both(boolean[] a, boolean[] b) {
    boolean[] both = new boolean[a.length];
    for (int i = 0; i < both.length; i++) {
      both[i] = a[i] && b[i];
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
