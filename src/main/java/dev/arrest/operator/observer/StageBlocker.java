package dev.arrest.operator.observer;

import dev.arrest.operator.status.Reason;

/**
 * Why a stage that should be running is not: a condition that does not go away by waiting (a bad
 * image, no node that fits, a quota), with a message that says what to fix.
 */
public record StageBlocker(Reason reason, String message) {}
