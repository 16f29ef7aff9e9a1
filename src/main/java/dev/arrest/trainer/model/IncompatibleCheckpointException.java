package dev.arrest.trainer.model;

import java.io.IOException;

/** A checkpoint file that is unreadable or was written by a different model. */
public final class IncompatibleCheckpointException extends IOException {

  private static final long serialVersionUID = 1L;

  public IncompatibleCheckpointException(String message) {
    super(message);
  }

  public IncompatibleCheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
