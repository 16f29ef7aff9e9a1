package dev.arrest.api.spec;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One point of a sweep: the training it runs (the sweep's spec with the point's values applied and
 * {@code sweep} removed, so it is a valid single-run document) and how results and files name it.
 *
 * @param id position in the expansion, 0-based; stable for a given spec
 * @param label readable name for tables and plots, e.g. {@code arrest phi=30}
 * @param slug the label made safe for file and Kubernetes names, e.g. {@code arrest-phi-30}
 * @param overrides what the point changed, by field path under {@code spec} (e.g. {@code
 *     finetuning.tradesBeta}), in expansion order
 * @param training the document this point runs
 */
public record SweepPoint(
    int id, String label, String slug, Map<String, Object> overrides, ArrestTraining training) {

  public SweepPoint {
    overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
  }

  /**
   * The point's directory under {@code OUTPUT/points/}: id (two digits, so listings sort) and slug.
   */
  public String directoryName() {
    return String.format(Locale.ROOT, "%02d-%s", id, slug);
  }

  public FinetuningMethod method() {
    return training.getSpec().finetuning.method;
  }
}
