package dev.arrest.trainer.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A dataset that cannot be used as requested: a missing, truncated or malformed file, or a request
 * for more examples than the dataset has. The message is meant for the user, so it always says what
 * was expected, what was found and, for file problems, which file and how to obtain the data.
 */
public class DatasetException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** A problem with a file on disk; the message reads "FILE: expected X, but found Y. HOW". */
  public DatasetException(Path file, String expected, String found, String howToObtain) {
    this(file, expected, found, howToObtain, null);
  }

  /** As {@link #DatasetException(Path, String, String, String)}, keeping the I/O error as cause. */
  public DatasetException(
      Path file, String expected, String found, String howToObtain, Throwable cause) {
    super(file + ": expected " + expected + ", but found " + found + ". " + howToObtain, cause);
    this.file = file;
  }

  /** A problem that is not about one file, such as asking for more examples than exist. */
  public DatasetException(String message) {
    super(message);
    this.file = null;
  }

  /** The offending file or directory, when the problem is about one. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }
}
