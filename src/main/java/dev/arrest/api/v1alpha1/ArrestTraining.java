package dev.arrest.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One ARREST experiment: pretraining (or import of a pretrained model), adversarial finetuning and
 * robustness evaluation. The same document is {@code kubectl apply}-ed to a cluster and run locally
 * with {@code arrest run}.
 */
@Group(ArrestTraining.GROUP)
@Version(ArrestTraining.VERSION)
@Kind("ArrestTraining")
@Singular("arresttraining")
@Plural("arresttrainings")
@ShortNames({"arrest", "arrests"})
@Categories({"ml"})
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription =
        "Why the training is where it is: its stage, what it waits for, or why it failed")
@AdditionalPrinterColumn(
    name = "Restarts",
    jsonPath = ".status.restarts",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Stage restarts after disruptions")
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progress.summary",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Standard",
    jsonPath = ".status.results.standardAccuracy",
    type = AdditionalPrinterColumn.Type.NUMBER,
    getDescription = "Clean test accuracy")
@AdditionalPrinterColumn(
    name = "Robust",
    jsonPath = ".status.results.robustAccuracy",
    type = AdditionalPrinterColumn.Type.NUMBER,
    getDescription = "Worst-case robust accuracy over the evaluation attacks")
@AdditionalPrinterColumn(
    name = "Tradeoff",
    jsonPath = ".status.results.tradeoffScore",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Sweep",
    jsonPath = ".status.sweep.meanRobustGain",
    type = AdditionalPrinterColumn.Type.NUMBER,
    getDescription = "Sweep score in pp, once every point has finished")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ArrestTraining extends CustomResource<ArrestTrainingSpec, ArrestTrainingStatus>
    implements Namespaced {
  public static final String GROUP = "arrest.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  @Override
  protected ArrestTrainingStatus initStatus() {
    return new ArrestTrainingStatus();
  }
}
