package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Test accuracy measured right after a training epoch (spec.evaluation.everyEpoch), with the model
 * in eval mode.
 *
 * @param samples test images evaluated (a seeded class-stratified sample, or the whole test set)
 * @param standardAccuracy clean accuracy in [0, 1]
 * @param robustAccuracy accuracy under {@code attack} in [0, 1]; null when only clean accuracy was
 *     measured
 * @param attack the attack, e.g. "pgd-10"; null with robustAccuracy
 * @param seconds time the measurement took (not part of the epoch's training time)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochTest(
    int samples, double standardAccuracy, Double robustAccuracy, String attack, double seconds) {}
