package dev.arrest.trainer.attack;

/** Checks of the attack builders' settings, with messages that name the attack and the setting. */
final class AttackSettings {
  private AttackSettings() {}

  static void required(String attack, String setting, Object value) {
    if (value == null) {
      throw new IllegalStateException(attack + " needs a " + setting + "; set it on the builder");
    }
  }

  static void atLeastOne(String attack, String setting, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(attack + " needs " + setting + " >= 1, found " + value);
    }
  }
}
