package dev.arrest.trainer.train;

import ai.djl.ndarray.NDArray;

/**
 * The batch-mean loss a step minimizes and its parts (null where not part of the objective), plus
 * the train-mode logits of the inputs that were trained on (for the running accuracy).
 */
public record LossTerms(
    NDArray total, NDArray crossEntropy, NDArray rgkd, NDArray tradesKl, NDArray trainedLogits) {}
