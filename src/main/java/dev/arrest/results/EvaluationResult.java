package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the evaluation stage measured.
 *
 * @param samples number of test examples evaluated
 * @param standardAccuracy clean accuracy in [0, 1]
 * @param robustAccuracy per-example worst case over all attacks, in [0, 1]
 * @param attacks per-attack results, in the order run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationResult(
    int samples,
    double standardAccuracy,
    double robustAccuracy,
    List<AttackResult> attacks,
    List<String> warnings) {}
