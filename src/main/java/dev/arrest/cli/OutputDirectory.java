package dev.arrest.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks up front that a run can write its output directory, so an unwritable {@code -o DIR} is
 * refused with the directory and the fix instead of failing with a stack trace at the first write.
 */
final class OutputDirectory {
  private OutputDirectory() {}

  /** Creates {@code directory} if needed and writes a probe file; the problem, or null if none. */
  static String problem(Path directory) {
    try {
      Files.createDirectories(directory);
      Path probe = Files.createTempFile(directory, ".write-test-", ".tmp");
      Files.delete(probe);
      return null;
    } catch (IOException e) {
      return "-o/--output: cannot write to the output directory "
          + directory.toAbsolutePath()
          + ": "
          + reason(e)
          + ". Choose a writable directory with -o DIR (or make this one writable).";
    }
  }

  private static String reason(IOException e) {
    if (e instanceof FileAlreadyExistsException exists) {
      return exists.getFile() + " exists and is not a directory";
    }
    if (e instanceof AccessDeniedException denied) {
      return "permission denied on " + denied.getFile();
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason() + " (" + fs.getFile() + ")";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
