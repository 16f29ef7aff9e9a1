package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The stages of an ArrestTraining, in order. Each runs as one process (locally) or one Job (in a
 * cluster).
 */
public enum Stage {
  @JsonProperty("pretrain")
  PRETRAIN,
  @JsonProperty("finetune")
  FINETUNE,
  @JsonProperty("evaluate")
  EVALUATE;

  /** The spelling used on the command line, in file names and in results. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Stage parse(String value) {
    for (Stage stage : values()) {
      if (stage.toString().equals(value)) {
        return stage;
      }
    }
    throw new IllegalArgumentException(
        "unknown stage '" + value + "': expected pretrain, finetune or evaluate");
  }
}
