package dev.arrest.trainer.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and minor page faults of this whole process (all threads), from {@code /proc/self/stat}.
 * Taken before and after a measured stretch, the difference shows how much of the time went to the
 * kernel and how often memory was faulted in.
 *
 * @param userSeconds utime
 * @param systemSeconds stime
 * @param minorFaults minflt
 */
public record ProcessUsage(double userSeconds, double systemSeconds, long minorFaults) {

  /**
   * Clock ticks per second of /proc's time fields (USER_HZ): 100 on every Linux architecture the
   * trainer runs on; the kernel keeps it fixed for the /proc ABI whatever its internal tick rate.
   */
  static final double USER_HZ = 100.0;

  /** This process now; null where /proc/self/stat does not exist (not Linux). */
  public static ProcessUsage now() {
    Path stat = Path.of("/proc/self/stat");
    if (!Files.isReadable(stat)) {
      return null;
    }
    try {
      return parseStat(Files.readString(stat));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stat, e);
    }
  }

  /**
   * Parses a {@code /proc/<pid>/stat} line (proc(5)): the command name in field 2 is in parentheses
   * and may itself contain spaces and parentheses, so the fields are counted from the last ')'.
   * minflt is field 10, utime 14, stime 15.
   */
  static ProcessUsage parseStat(String line) {
    int end = line.lastIndexOf(')');
    if (end < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
    }
    String[] fields = line.substring(end + 1).trim().split("\\s+");
    // fields[0] is field 3 (state).
    if (fields.length < 13) {
      throw new IllegalArgumentException("/proc/<pid>/stat line too short: " + line);
    }
    long minorFaults = Long.parseLong(fields[10 - 3]);
    long userTicks = Long.parseLong(fields[14 - 3]);
    long systemTicks = Long.parseLong(fields[15 - 3]);
    return new ProcessUsage(userTicks / USER_HZ, systemTicks / USER_HZ, minorFaults);
  }

  /** What happened between {@code earlier} and this. */
  public ProcessUsage since(ProcessUsage earlier) {
    return new ProcessUsage(
        userSeconds - earlier.userSeconds,
        systemSeconds - earlier.systemSeconds,
        minorFaults - earlier.minorFaults);
  }
}
