package dev.arrest.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.arrest.trainer.engine.InPlace;
import dev.arrest.trainer.engine.TrainableClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Adversarial weight perturbation (AWP; Wu, Xia and Wang, "Adversarial Weight Perturbation Helps
 * Robust Generalization", NeurIPS 2020): a step computes its gradients at w + v, where v is a
 * perturbation of the weights that increases the step's own loss on its adversarial batch, and the
 * optimizer then updates w with them.
 *
 * <p>As in the reference implementation (github.com/csdongxian/AWP, {@code utils_awp.py}): v comes
 * from gradient ascent on the step's loss, in train mode, starting at w; only weight tensors with
 * more than one dimension are perturbed (convolution and linear weights; not biases, batch-norm
 * scales and shifts, or running statistics); each is scaled to ||v_l|| = gamma * ||w_l|| (Frobenius
 * norms per tensor, ||w_l|| at the unperturbed weights). One step gives v_l = gamma * ||w_l|| * g_l
 * / ||g_l||, g the loss gradient at w. With more steps, step k starts at w + v and ends on the same
 * sphere: v_l = gamma * ||w_l|| * u_l / ||u_l|| with u_l = v_l + gamma * ||w_l|| * g_l / ||g_l||, g
 * the gradient at w + v (this trainer's extension; the reference takes one step).
 *
 * <p>The reference takes the ascent on a proxy copy of the model, so that it leaves the model's
 * batch-norm statistics and gradients alone. This class takes it on the model itself and then puts
 * every parameter back from a copy, which gives the same v without a second model: the ascent's
 * running-statistics updates are undone and its gradients zeroed before the training pass. After
 * the training pass the perturbed weights are restored from the copy, so they are bit for bit what
 * they were, and only the optimizer changes them; the training pass's own batch-norm statistics
 * stay, as they do in the reference. Unlike the reference, which subtracts v after {@code
 * optimizer.step()}, the weights are copied back before the update, so the optimizer updates
 * exactly w (and its weight decay acts on w, not on w + v).
 */
public final class AdversarialWeightPerturbation {
  /** Guards the division by a zero gradient norm, as the reference's EPS. */
  private static final float EPS = 1e-20f;

  private final double gamma;
  private final int warmupEpochs;
  private final int steps;

  /**
   * @param gamma relative size of the perturbation per weight tensor, >= 0 (0: no perturbation)
   * @param warmupEpochs epochs at the start without AWP
   * @param steps ascent steps per training step, >= 1
   */
  public AdversarialWeightPerturbation(double gamma, int warmupEpochs, int steps) {
    if (!(gamma >= 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("AWP gamma must be a finite number >= 0, got " + gamma);
    }
    if (warmupEpochs < 0) {
      throw new IllegalArgumentException("AWP warm-up must be >= 0 epochs, got " + warmupEpochs);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("AWP needs at least one step, got " + steps);
    }
    this.gamma = gamma;
    this.warmupEpochs = warmupEpochs;
    this.steps = steps;
  }

  public double gamma() {
    return gamma;
  }

  /**
   * Whether epoch (1-based) trains with AWP: after the warm-up, and never with gamma 0, which is
   * the plain method (as in the reference, which then skips AWP altogether).
   */
  public boolean activeIn(int epoch) {
    return gamma > 0 && epoch > warmupEpochs;
  }

  /** Back-propagation of a step's loss at the perturbed weights of {@code network}. */
  public TrainingObjective.Backprop around(TrainableClassifier network) {
    return loss -> step(network, loss);
  }

  private LossTerms step(TrainableClassifier network, Supplier<LossTerms> loss) {
    List<List<Pair<String, Parameter>>> replicas = network.replicaParameters();
    List<Pair<String, Parameter>> primary = replicas.get(0);
    List<Integer> perturbed = new ArrayList<>();
    for (int p = 0; p < primary.size(); p++) {
      NDArray array = primary.get(p).getValue().getArray();
      if (array.getShape().dimension() > 1 && array.hasGradient()) {
        perturbed.add(p);
      }
    }
    try (NDManager scratch = network.manager().newSubManager()) {
      // Replicas equal the primary between updates, so its values restore them all.
      List<NDArray> saved = new ArrayList<>(primary.size());
      for (Pair<String, Parameter> parameter : primary) {
        NDArray copy = parameter.getValue().getArray().duplicate();
        copy.attach(scratch);
        saved.add(copy);
      }
      List<NDArray> radii = new ArrayList<>(perturbed.size());
      for (int p : perturbed) {
        radii.add(saved.get(p).norm().mul((float) gamma));
      }
      List<NDArray> perturbation = null;
      for (int k = 0; k < steps; k++) {
        Backpropagation.run(loss);
        List<NDArray> gradients = takeGradients(replicas, perturbed, scratch);
        restore(replicas, saved, null);
        perturbation = ascend(perturbation, gradients, radii);
        for (int i = 0; i < perturbed.size(); i++) {
          for (List<Pair<String, Parameter>> replica : replicas) {
            InPlace.addOnto(
                replica.get(perturbed.get(i)).getValue().getArray(), perturbation.get(i));
          }
        }
      }
      LossTerms terms = Backpropagation.run(loss);
      restore(replicas, saved, perturbed);
      return terms;
    }
  }

  /**
   * v + radius * g / ||g||, scaled back to the radius per tensor; v null for the first step. The
   * results live on the scratch manager (every operation's result joins its first operand's).
   */
  private static List<NDArray> ascend(
      List<NDArray> perturbation, List<NDArray> gradients, List<NDArray> radii) {
    List<NDArray> next = new ArrayList<>(gradients.size());
    for (int i = 0; i < gradients.size(); i++) {
      NDArray gradient = gradients.get(i);
      NDArray radius = radii.get(i);
      NDArray direction = gradient.mul(radius.div(gradient.norm().add(EPS)));
      if (perturbation != null) {
        direction = direction.add(perturbation.get(i));
      }
      next.add(direction.mul(radius.div(direction.norm().add(EPS))));
    }
    return next;
  }

  /**
   * The ascent pass's gradients of the perturbed tensors, summed over the replicas onto the
   * primary's device (the full-batch gradient), then every gradient zeroed so that none leaks into
   * the training pass.
   */
  private static List<NDArray> takeGradients(
      List<List<Pair<String, Parameter>>> replicas, List<Integer> perturbed, NDManager scratch) {
    List<NDArray> sums = new ArrayList<>(perturbed.size());
    for (int p : perturbed) {
      NDArray sum = null;
      for (List<Pair<String, Parameter>> replica : replicas) {
        try (NDArray gradient = replica.get(p).getValue().getArray().getGradient()) {
          if (sum == null) {
            sum = gradient.duplicate();
            sum.attach(scratch);
          } else {
            InPlace.addOnto(sum, gradient);
          }
        }
      }
      sums.add(sum);
    }
    for (List<Pair<String, Parameter>> replica : replicas) {
      for (Pair<String, Parameter> parameter : replica) {
        NDArray array = parameter.getValue().getArray();
        if (array.hasGradient()) {
          try (NDArray gradient = array.getGradient()) {
            gradient.subi(gradient);
          }
        }
      }
    }
    return sums;
  }

  /**
   * Copies the saved values back into every replica: all parameters, or only those listed.
   *
   * @param only indices of the parameters to restore, or null for all
   */
  private static void restore(
      List<List<Pair<String, Parameter>>> replicas, List<NDArray> saved, List<Integer> only) {
    for (List<Pair<String, Parameter>> replica : replicas) {
      for (int p = 0; p < saved.size(); p++) {
        if (only == null || only.contains(p)) {
          InPlace.copyInto(replica.get(p).getValue().getArray(), saved.get(p));
        }
      }
    }
  }
}
