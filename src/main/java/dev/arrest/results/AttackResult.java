package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Robust accuracy under one attack.
 *
 * @param name display name, e.g. {@code pgd-20}
 * @param type attack type as in the spec
 * @param robustAccuracy fraction of the evaluated examples classified correctly under this attack alone
 * @param seconds wall time of the attack
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttackResult(
    String name,
    String type,
    String norm,
    double epsilon,
    Integer steps,
    Double stepSize,
    Integer restarts,
    double robustAccuracy,
    double seconds) {}
