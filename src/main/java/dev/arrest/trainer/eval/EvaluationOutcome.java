package dev.arrest.trainer.eval;

import dev.arrest.results.EvaluationResult;
import java.util.List;

/**
 * @param result what results.json reports
 * @param adversarialExamples the worst-case adversarial example of every broken test example
 * @param attackNames the attacks in the order run; {@code AdversarialExamples.Entry.attack} indexes
 *     it
 */
public record EvaluationOutcome(
    EvaluationResult result, AdversarialExamples adversarialExamples, List<String> attackNames) {}
