package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDArray;

/**
 * What a forward pass returns: the logits and the latent representation (the input of the final
 * linear layer).
 */
public record Outputs(NDArray logits, NDArray features) {}
